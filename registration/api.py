"""REST API of the registration app (serializers and viewsets), registered under /api/v1/.

* ``POST registrations/`` public sign-up (throttle scope "registration"), the same service and
  answer as the form: 202 whether the address was new or already registered.
* ``GET registrations/?forum=<slug>`` organizers' list with the page's filters.
* ``GET registration-manage/<token>/``, ``POST .../confirm/``, ``POST .../cancel/``: the person's
  own registration through their personal link.
* ``POST checkins/`` scanner apps at the door: ``{"forum": slug, "code": badge code}``.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from api.permissions import AnyoneWithTheLink, IsOrganizer
from forum.models import Forum

from . import selectors, services
from .errors import RegistrationError
from .models import Registration


class RegistrationCreateSerializer(serializers.Serializer):
    forum = serializers.SlugField()
    first_name = serializers.CharField(max_length=200, allow_blank=True)
    last_name = serializers.CharField(max_length=200, allow_blank=True)
    email = serializers.CharField(max_length=300, allow_blank=True)
    organization = serializers.CharField(max_length=300, allow_blank=True)
    position = serializers.CharField(max_length=300, allow_blank=True)
    country = serializers.CharField(max_length=2, allow_blank=True)
    phone = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    category = serializers.CharField(max_length=32, allow_blank=True)
    language = serializers.CharField(max_length=8, required=False, default="az")
    panel_ids = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=100)
    consent = serializers.BooleanField()
    website = serializers.CharField(required=False, allow_blank=True, default="", help_text="Leave empty.")


ACCEPTED = inline_serializer("RegistrationAccepted", fields={"detail": serializers.CharField()})


class RegistrationSerializer(serializers.ModelSerializer):
    """A registration as organizers see it (personal data included)."""

    forum = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    country = serializers.CharField(source="country.code", read_only=True)
    panels = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    # Plain strings: the choices are documented on the models, and named enums would collide
    # with other apps' "status" in the OpenAPI schema.
    status = serializers.CharField(read_only=True)
    cancel_reason = serializers.CharField(read_only=True)
    category = serializers.CharField(read_only=True)
    language = serializers.CharField(read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id", "forum", "first_name", "last_name", "email", "organization", "position", "country", "phone",
            "category", "language", "panels", "consent_at", "status", "cancel_reason", "hold_expires_at",
            "waitlisted_at", "confirmed_at", "cancelled_at", "checked_in_at", "badge_code", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class OwnRegistrationSerializer(RegistrationSerializer):
    """The person's own view through their link."""

    waitlist_position = serializers.SerializerMethodField()

    class Meta(RegistrationSerializer.Meta):
        fields = [
            "forum", "first_name", "last_name", "email", "organization", "position", "country", "phone",
            "category", "language", "panels", "status", "cancel_reason", "hold_expires_at", "confirmed_at",
            "checked_in_at", "badge_code", "waitlist_position",
        ]  # fmt: skip
        read_only_fields = fields

    def get_waitlist_position(self, registration) -> int | None:
        return selectors.waitlist_position(registration=registration)


class RegistrationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = RegistrationSerializer
    required_permission = "registration.view_registration"
    throttle_scope = "registration"
    filter_backends = []

    def get_permissions(self):
        if self.action == "create":
            return [permissions.AllowAny()]
        return [IsOrganizer()]

    def get_throttles(self):
        if self.action == "create":
            return [ScopedRateThrottle()]
        return super().get_throttles()

    def get_serializer_class(self):
        if self.action == "create":
            return RegistrationCreateSerializer
        return RegistrationSerializer

    def get_queryset(self):
        params = self.request.query_params
        forum = Forum.objects.filter(slug=params.get("forum", "")).first()
        if forum is None:
            raise RegistrationError(
                _("Give the forum edition as ?forum=<slug>."), code="unknown_forum", fields={"forum": ["unknown"]}
            )
        return selectors.organizer_registrations(
            forum=forum,
            search=params.get("q", ""),
            status=params.get("status", ""),
            category=params.get("category", ""),
            country=params.get("country", ""),
            checked_in=params.get("checked_in", ""),
        ).prefetch_related("panels")

    @extend_schema(request=RegistrationCreateSerializer, responses={202: ACCEPTED})
    def create(self, request, *args, **kwargs):
        serializer = RegistrationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        slug = data.pop("forum")
        honeypot = data.pop("website", "")
        forum = Forum.objects.filter(slug=slug, status__in=[Forum.Status.PUBLISHED, Forum.Status.ARCHIVED]).first()
        if forum is None:
            raise RegistrationError(_("No such forum edition."), code="unknown_forum", status=404)
        if not honeypot:
            services.register(forum=forum, **data)
        return Response(
            {"detail": _("Check your email: we sent you a message with your personal link.")},
            status=status.HTTP_202_ACCEPTED,
        )


class ManageViewSet(viewsets.ViewSet):
    """A person's own registration, reached with the token from their email."""

    permission_classes = [AnyoneWithTheLink]
    authentication_classes = []  # the token in the path is the credential
    lookup_field = "token"
    lookup_value_regex = "[A-Za-z0-9_-]+"

    def _registration(self, token):
        access = selectors.access_for_token(token=token)
        if access is None or access.registration.anonymized_at:
            raise RegistrationError(_("This link is not valid."), code="unknown_link", status=404)
        if access.expires_at <= timezone.now():
            raise RegistrationError(_("This link has expired."), code="link_expired", status=410)
        return access.registration

    @extend_schema(responses=OwnRegistrationSerializer)
    def retrieve(self, request, token=None):
        return Response(OwnRegistrationSerializer(self._registration(token)).data)

    @extend_schema(request=None, responses=OwnRegistrationSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, token=None):
        registration = services.confirm(token=token)
        return Response(OwnRegistrationSerializer(registration).data)

    @extend_schema(request=None, responses=OwnRegistrationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, token=None):
        registration = services.cancel(token=token)
        return Response(OwnRegistrationSerializer(registration).data)


class CheckinSerializer(serializers.Serializer):
    forum = serializers.SlugField()
    code = serializers.CharField(max_length=32)


class CheckedInSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="full_name")
    category = serializers.CharField(read_only=True)

    class Meta:
        model = Registration
        fields = ["name", "organization", "category", "badge_code", "checked_in_at"]


class CheckinViewSet(viewsets.GenericViewSet):
    """The registration desk: mark a badge as present. 409 with ``checked_in_at`` on a rescan."""

    serializer_class = CheckinSerializer
    permission_classes = [IsOrganizer]
    required_permission = "registration.change_registration"

    @extend_schema(request=CheckinSerializer, responses={200: CheckedInSerializer})
    def create(self, request):
        serializer = CheckinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        forum = get_object_or_404(Forum, slug=serializer.validated_data["forum"])
        registration = services.check_in(forum=forum, code=serializer.validated_data["code"], by=request.user)
        return Response(CheckedInSerializer(registration).data)


def register(router):
    """Add this app's viewsets to the v1 router."""
    router.register("registrations", RegistrationViewSet, basename="registration")
    router.register("registration-manage", ManageViewSet, basename="registration-manage")
    router.register("checkins", CheckinViewSet, basename="checkin")
