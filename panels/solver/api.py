"""API of schedule proposals (organizers only): start one, poll it, fetch it, accept or discard it.

Starting answers 202 with the queued proposal; poll ``GET /schedule-proposals/{id}/`` until its
``status`` is ``done`` (or ``failed``), then accept all of its changes or those listed in
``panels``. A proposal whose panels changed meanwhile answers 409 ``stale_proposal``.
"""

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.rest.filters import MAX_ID, ForumFilterSet, SlugFilter
from core.rest.permissions import IsOrganizer
from core.rest.schema import ErrorSerializer
from forum.models import Forum

from ..models import ScheduleProposal
from . import proposals, selectors
from .params import DEFAULT_WEIGHTS, SCOPES, SLOT_MINUTES


class ProposalSerializer(serializers.ModelSerializer):
    forum = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ScheduleProposal
        fields = [
            "id", "forum", "status", "progress", "params", "score", "result", "error",
            "base_version", "created_by", "created_at", "finished_at", "decided_at",
        ]  # fmt: skip
        read_only_fields = fields


class WeightsSerializer(serializers.Serializer):
    attendee_conflicts = serializers.IntegerField(min_value=0, max_value=10000, required=False)
    theme_overlap = serializers.IntegerField(min_value=0, max_value=10000, required=False)
    theme_spread = serializers.IntegerField(min_value=0, max_value=10000, required=False)
    keynote_room = serializers.IntegerField(min_value=0, max_value=10000, required=False)
    changes = serializers.IntegerField(min_value=0, max_value=10000, required=False)


class ProposalStartSerializer(serializers.Serializer):
    forum = serializers.SlugRelatedField(slug_field="slug", queryset=Forum.objects.all())
    scope = serializers.ChoiceField(choices=SCOPES, required=False, help_text="unscheduled panels, or the whole draft")
    day = serializers.DateField(required=False, allow_null=True, help_text="only this forum day")
    theme = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="only this theme (id)"
    )
    time_limit = serializers.IntegerField(min_value=1, max_value=600, required=False, help_text="seconds")
    slot_minutes = serializers.ChoiceField(
        choices=[(minutes, str(minutes)) for minutes in SLOT_MINUTES],
        required=False,
        help_text="The length of a slot, dividing the hour.",
    )
    changeover_minutes = serializers.IntegerField(min_value=0, max_value=120, required=False)
    capacity_margin = serializers.IntegerField(min_value=0, max_value=100, required=False, help_text="percent")
    weights = WeightsSerializer(required=False, help_text=f"defaults: {DEFAULT_WEIGHTS}")


class ProposalAcceptSerializer(serializers.Serializer):
    panels = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=False,
        max_length=5000,
        help_text="ids of the panels whose proposed change to accept; all of them when left out",
    )


class ProposalFilter(ForumFilterSet):
    forum = SlugFilter(field_name="forum__slug", help_text="Edition slug.")
    status = filters.ChoiceFilter(choices=ScheduleProposal.Status.choices)

    class Meta:
        model = ScheduleProposal
        fields = ["forum", "status"]


DECISION_RESPONSES = {
    200: ProposalSerializer,
    404: OpenApiResponse(ErrorSerializer, description="No such proposal, or panels it does not change."),
    409: OpenApiResponse(
        ErrorSerializer, description="Not ready, already decided, nothing to accept, stale, or a slot taken."
    ),
}


@extend_schema_view(
    list=extend_schema(summary="List schedule proposals", description="Newest first; filter by `forum` and `status`."),
    retrieve=extend_schema(
        summary="One schedule proposal",
        description="Poll `status` and `progress`; when `done`, `result` holds the changes, the panels that could "
        "not be placed with the constraints that block each, and the score before and after.",
    ),
)
class ScheduleProposalViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsOrganizer]
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return selectors.proposals()

    def _done(self, proposal, code=status.HTTP_200_OK):
        proposal = self.get_queryset().get(pk=proposal.pk)
        return Response(ProposalSerializer(proposal, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary="Propose a schedule",
        description="Queue the solver for an edition. Answers 202 with the queued proposal to poll.",
        request=ProposalStartSerializer,
        responses={202: ProposalSerializer, 400: ErrorSerializer},
    )
    def create(self, request, *args, **kwargs):
        payload = ProposalStartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        forum = data.pop("forum")
        if data.get("day") is not None:
            data["day"] = data["day"].isoformat()
        proposal = proposals.start_proposal(forum=forum, params=data, actor=request.user)
        return self._done(proposal, code=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Accept a schedule proposal",
        description="Apply all its changes, or those of `panels`, through the scheduling service (every rule is "
        "checked again, every change logged), all or none.",
        request=ProposalAcceptSerializer,
        responses=DECISION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None, version=None):
        payload = ProposalAcceptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        proposal = proposals.accept_proposal(
            proposal=self.get_object(), panel_ids=payload.validated_data.get("panels"), actor=request.user
        )
        return self._done(proposal)

    @extend_schema(
        summary="Discard a schedule proposal",
        description="Set a proposal aside without changing the schedule (a ready, failed or queued one).",
        request=None,
        responses=DECISION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None, version=None):
        return self._done(proposals.discard_proposal(proposal=self.get_object(), actor=request.user))
