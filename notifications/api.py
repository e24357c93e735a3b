"""REST API of the outbox (organizers only), registered under /api/v1/.

* ``GET outbox/`` the messages, newest first, filtered by ``state``, ``kind``, ``language`` and
  ``recipient`` (part of the address).
* ``GET outbox/<id>/`` one message.
* ``POST outbox/<id>/resend/`` queue a failed or cancelled message again; ``POST .../cancel/`` stop
  a queued or retrying one. A message in another state answers 409 (the same services as the
  organizer page and the admin).

Reading needs ``notifications.view_outboxmessage``, the actions ``notifications.change_outboxmessage``.
The JSON context and attachments of a message stay out of the API: they are rendering input,
not facts an app needs.
"""

from django.conf import settings
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.rest.filters import ForumFilterSet
from core.rest.permissions import IsOrganizer
from core.rest.schema import ErrorSerializer

from . import services
from .models import OutboxMessage


class OutboxMessageSerializer(serializers.ModelSerializer):
    # A plain string (the states are listed in the filter): a named enum would collide with the
    # other apps' "state" in the OpenAPI document.
    state = serializers.CharField(read_only=True, help_text="queued, sending, sent, retrying, failed or cancelled")
    related_type = serializers.SerializerMethodField()
    resendable = serializers.BooleanField(source="is_resendable", read_only=True)
    cancellable = serializers.BooleanField(source="is_cancellable", read_only=True)

    class Meta:
        model = OutboxMessage
        fields = [
            "id", "kind", "recipient", "language", "state", "attempts", "next_attempt_at", "last_error", "sent_at",
            "dedupe_key", "related_type", "related_id", "resendable", "cancellable", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_related_type(self, message) -> str | None:
        """``app_label.model`` of the record that caused the message, e.g. ``registration.registration``."""
        if not message.related_type_id:
            return None
        return f"{message.related_type.app_label}.{message.related_type.model}"


class OutboxFilter(ForumFilterSet):
    state = filters.ChoiceFilter(choices=OutboxMessage.State.choices)
    kind = filters.CharFilter(
        help_text="The template kind, e.g. speaker_invitation, registration_confirmed, registration_cancelled, "
        "registration_cancelled_by_organizer, registration_hold_expired, registration_panel_changed."
    )
    language = filters.ChoiceFilter(choices=settings.LANGUAGES)
    recipient = filters.CharFilter(lookup_expr="icontains", help_text="Part of the recipient's address.")

    class Meta:
        model = OutboxMessage
        fields = ["state", "kind", "language", "recipient"]


CONFLICT_EXAMPLE = OpenApiExample(
    "Wrong state",
    value={
        "code": "outbox_not_resendable",
        "detail": "Only failed or cancelled messages can be sent again.",
        "fields": {},
    },
    response_only=True,
    status_codes=["409"],
)


@extend_schema_view(
    list=extend_schema(
        summary="List outgoing messages",
        description="The outbox, newest first. Organizers only.",
    ),
    retrieve=extend_schema(summary="One outgoing message", description="Organizers only."),
)
class OutboxViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsOrganizer]
    serializer_class = OutboxMessageSerializer
    filterset_class = OutboxFilter
    ordering_fields = ["created_at", "next_attempt_at", "attempts", "state", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return OutboxMessage.objects.select_related("related_type")

    def _done(self, message):
        message = self.get_queryset().get(pk=message.pk)
        return Response(self.get_serializer(message).data)

    @extend_schema(
        summary="Send a message again",
        description="Queue a failed or cancelled message again, with its attempts reset. "
        "Any other state answers 409 `outbox_not_resendable`.",
        request=None,
        responses={
            200: OutboxMessageSerializer,
            409: OpenApiResponse(ErrorSerializer, description="The message is not failed or cancelled."),
        },
        examples=[CONFLICT_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None, version=None):
        message = self.get_object()
        services.resend_one(message_id=message.pk)
        return self._done(message)

    @extend_schema(
        summary="Cancel a message",
        description="Stop a queued or retrying message before it leaves. Any other state answers 409 "
        "`outbox_not_cancellable`.",
        request=None,
        responses={
            200: OutboxMessageSerializer,
            409: OpenApiResponse(ErrorSerializer, description="The message is not queued or retrying."),
        },
        examples=[
            OpenApiExample(
                "Already sent",
                value={
                    "code": "outbox_not_cancellable",
                    "detail": "Only queued or retrying messages can be cancelled.",
                    "fields": {},
                },
                response_only=True,
                status_codes=["409"],
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, version=None):
        message = self.get_object()
        services.cancel_one(message_id=message.pk)
        return self._done(message)


def register(router):
    """Add this app's viewsets to the v1 router."""
    router.register("outbox", OutboxViewSet, basename="outbox")
