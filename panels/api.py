"""REST API of the panels app (serializers and viewsets), registered under /api/v1/.

Anyone reads the public program (published panels, and cancelled ones the public had seen);
organizers also see drafts and scheduled panels, and create, schedule, move, publish, unschedule
and cancel. A refused scheduling action answers 409 with every conflict in ``conflicts``.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.permissions import sees_drafts
from core.rest.fields import TranslatedTextField
from core.rest.filters import MAX_ID, ForumFilterSet, IdFilter, SlugFilter, UtcDateTimeFilter
from core.rest.permissions import PublicReadOrganizerWrite
from core.rest.schema import ErrorSerializer
from core.utc import to_utc
from forum.models import Forum

from . import selectors, services
from .links import panel_path
from .models import Panel, Participation, ScheduleChange
from .solver.api import ScheduleProposalViewSet


class SpeakerOnPanelSerializer(serializers.ModelSerializer):
    """Public facts only: never the email, phone or travel details. The id is that of the
    speaker's public profile (``/api/v1/speakers/{id}/``), given only when it opens."""

    id = serializers.SerializerMethodField(
        help_text="The speaker's public profile (/api/v1/speakers/{id}/); null when the speaker has none "
        "(no consent to a public profile): such a speaker is named, never linked."
    )
    name = serializers.CharField(source="speaker.display_name")
    position = serializers.CharField(source="speaker.position")
    organization = serializers.CharField(source="speaker.organization")
    country = serializers.CharField(source="speaker.country.code")

    class Meta:
        model = Participation
        fields = ["id", "name", "role", "position", "organization", "country"]

    def get_id(self, participation) -> int | None:
        return participation.speaker_id if getattr(participation, "public_profile", False) else None


# Forum-local time with its offset; null while the panel has no slot.
NULLABLE_DATETIME = {"type": "string", "format": "date-time", "nullable": True}


class PanelSerializer(serializers.ModelSerializer):
    forum = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    theme = serializers.SerializerMethodField()
    room = serializers.SerializerMethodField()
    start = serializers.SerializerMethodField()
    end = serializers.SerializerMethodField()
    capacity = serializers.IntegerField(source="effective_capacity", read_only=True, allow_null=True)
    speakers = SpeakerOnPanelSerializer(source="participations", many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Panel
        fields = [
            "id", "forum", "title", "description", "format", "status", "theme", "room", "start", "end",
            "language", "interpretation", "capacity", "sequence", "speakers", "url",
        ]  # fmt: skip

    @extend_schema_field(
        inline_serializer(
            "PanelTheme",
            {
                "id": serializers.IntegerField(),
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "colour": serializers.CharField(),
            },
            allow_null=True,
        )
    )
    def get_theme(self, panel):
        if not panel.theme_id:
            return None
        theme = panel.theme
        return {"id": theme.id, "code": theme.code, "name": theme.name, "colour": theme.colour}

    @extend_schema_field(
        inline_serializer(
            "PanelRoom", {"id": serializers.IntegerField(), "name": serializers.CharField()}, allow_null=True
        )
    )
    def get_room(self, panel):
        return {"id": panel.room.id, "name": panel.room.name} if panel.room_id else None

    @extend_schema_field(NULLABLE_DATETIME)
    def get_start(self, panel):
        return panel.local_start.isoformat() if panel.start else None

    @extend_schema_field(NULLABLE_DATETIME)
    def get_end(self, panel):
        return panel.local_end.isoformat() if panel.end else None

    def get_url(self, panel) -> str:
        return panel_path(panel)


class PanelCreateSerializer(serializers.Serializer):
    forum = serializers.SlugRelatedField(slug_field="slug", queryset=Forum.objects.all())
    title = TranslatedTextField(
        default_language_required=True, help_text="Text in Azerbaijani, or {language: text} with Azerbaijani."
    )
    description = TranslatedTextField(required=False, default="")
    theme = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="A theme of the edition (id)."
    )
    format = serializers.ChoiceField(choices=Panel.Format.choices, default=Panel.Format.PANEL)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    interpretation = serializers.BooleanField(default=False)
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31 - 1)


class SlotSerializer(serializers.Serializer):
    """Where and when: a move keeps the room when none is given."""

    room = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Room id; a move keeps the room when omitted."
    )
    start = serializers.DateTimeField(help_text="ISO 8601; without an offset it is the forum's local time.")
    end = serializers.DateTimeField(help_text="ISO 8601; without an offset it is the forum's local time.")

    def to_internal_value(self, data):
        # Keep the offset as given (or none, meaning forum-local): the service interprets it.
        values = super().to_internal_value(data)
        for key in ("start", "end"):
            raw = data.get(key)
            if isinstance(raw, str):
                try:
                    moment = datetime.datetime.fromisoformat(raw)
                    # An offset is kept as the instant it names, in UTC (core/utc.py), so the
                    # database never sees an offset it cannot hold.
                    values[key] = to_utc(moment) if moment.tzinfo else moment
                except ValueError as exc:
                    raise serializers.ValidationError({key: ["Use an ISO 8601 date and time."]}) from exc
        return values


class RoomSlotSerializer(SlotSerializer):
    """Where and when: scheduling needs a room."""

    room = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Room id.")


class ConflictSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="room_booked, speaker_busy, speaker_unavailable, outside_hours, ...")
    message = serializers.CharField()
    panel = serializers.IntegerField(required=False, help_text="The panel already in the way.")
    speaker = serializers.IntegerField(required=False, help_text="The speaker who is busy.")


class ScheduleRefusalSerializer(ErrorSerializer):
    conflicts = ConflictSerializer(
        many=True, required=False, help_text="Every reason the slot was refused, not only the first."
    )


class PanelWithWarningsSerializer(PanelSerializer):
    warnings = ConflictSerializer(many=True, read_only=True, help_text="Worth a second look, but not refused.")

    class Meta(PanelSerializer.Meta):
        fields = [*PanelSerializer.Meta.fields, "warnings"]


SLOT_EXAMPLE = OpenApiExample(
    "Room 1, 10:00-11:00 forum time",
    value={"room": 3, "start": "2026-10-14T10:00", "end": "2026-10-14T11:00"},
    request_only=True,
)
SCHEDULED_EXAMPLE = OpenApiExample(
    "Scheduled",
    value={
        "id": 42, "forum": "ncf-2026", "title": "Securing the energy grid", "description": "", "format": "panel",
        "status": "scheduled", "theme": {"id": 1, "code": "infrastructure", "name": "Critical infrastructure",
        "colour": "#1f5fa8"}, "room": {"id": 3, "name": "Hall A"}, "start": "2026-10-14T10:00:00+04:00",
        "end": "2026-10-14T11:00:00+04:00", "language": "az", "interpretation": True, "capacity": 300,
        "sequence": 1, "speakers": [], "url": "/forums/ncf-2026/panels/42/", "warnings": [],
    },
    response_only=True,
    status_codes=["200"],
)  # fmt: skip
CONFLICT_EXAMPLE = OpenApiExample(
    "Room and speaker taken",
    value={
        "code": "schedule_conflict",
        "detail": "Hall A is already booked at 14.10.2026 10:00–11:00 for “Cloud security”. "
        "Leyla Aliyeva is already on “Cloud security” in Hall A at 14.10.2026 10:00–11:00.",
        "fields": {},
        "conflicts": [
            {
                "code": "room_booked",
                "message": "Hall A is already booked at 14.10.2026 10:00–11:00 for “Cloud security”.",
                "panel": 17,
            },
            {
                "code": "speaker_busy",
                "message": "Leyla Aliyeva is already on “Cloud security” in Hall A at 14.10.2026 10:00–11:00.",
                "panel": 17,
                "speaker": 8,
            },
        ],
    },
    response_only=True,
    status_codes=["409"],
)
INVALID_SLOT_EXAMPLE = OpenApiExample(
    "No room given",
    value={
        "code": "invalid",
        "detail": "The request has invalid fields.",
        "fields": {"room": ["Choose a room."]},
    },
    response_only=True,
    status_codes=["400"],
)
PLACEMENT_RESPONSES = {
    200: PanelWithWarningsSerializer,
    400: OpenApiResponse(ScheduleRefusalSerializer, description="Invalid slot (outside the forum's hours, ...)."),
    409: OpenApiResponse(ScheduleRefusalSerializer, description="Conflicts: every one is listed in `conflicts`."),
}


class PanelFilter(ForumFilterSet):
    forum = SlugFilter(field_name="forum__slug", help_text="An edition's slug.")
    theme = SlugFilter(field_name="theme__code", help_text="A theme's code.")
    room = IdFilter(field_name="room_id")
    language = filters.ChoiceFilter(choices=settings.LANGUAGES)
    day = filters.DateFilter(method="filter_day", help_text="A forum-local date, YYYY-MM-DD.")
    status = filters.ChoiceFilter(choices=Panel.Status.choices, method="filter_status")

    class Meta:
        model = Panel
        fields = ["forum", "theme", "room", "language", "day", "status"]

    def filter_day(self, queryset, name, value):
        # Each forum has its own time zone: a day is that forum's midnight to midnight.
        query = Q()
        forums = Forum.objects.filter(slug=self.data["forum"]) if self.data.get("forum") else Forum.objects.all()
        for forum_id, zone in forums.values_list("pk", "timezone"):
            start = datetime.datetime.combine(value, datetime.time(0, 0), tzinfo=zoneinfo.ZoneInfo(zone))
            query |= Q(forum_id=forum_id, start__gte=start, start__lt=start + datetime.timedelta(days=1))
        return queryset.filter(query) if query else queryset.none()

    def filter_status(self, queryset, name, value):
        # Only organizers choose statuses; the public always sees the public program.
        if self.request is None or not sees_drafts(self.request.user):
            return queryset
        return queryset.filter(status=value)


@extend_schema_view(
    list=extend_schema(
        summary="List panels",
        description="The public program (published panels, and cancelled ones the public had seen); organizers "
        "also see drafts and scheduled panels and may filter by `status`. Filter by `forum`, `theme` (code), "
        "`room`, `language` and `day` (forum-local date); order by `start` or `id`.",
    ),
    retrieve=extend_schema(summary="One panel", description="A panel with its speakers (public facts only)."),
)
class PanelViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PanelSerializer
    filterset_class = PanelFilter
    permission_classes = [PublicReadOrganizerWrite]
    permission_model = Panel
    ordering_fields = ["start", "id"]
    ordering = ["start", "id"]

    def get_queryset(self):
        organizer = sees_drafts(self.request.user)
        participations = selectors.participations_prefetch(public=not organizer)
        panels = Panel.objects.select_related("forum", "theme", "room").prefetch_related(participations)
        if organizer:
            return panels
        return panels.filter(
            selectors.public_panel_filter(),
            forum__status__in=[Forum.Status.PUBLISHED, Forum.Status.ARCHIVED],
        )

    def _result(self, panel, warnings=(), code=status.HTTP_200_OK):
        panel = self.get_queryset().get(pk=panel.pk)
        data = PanelSerializer(panel, context=self.get_serializer_context()).data
        return Response({**data, "warnings": list(warnings)}, status=code)

    @extend_schema(
        summary="Create a panel",
        description="A new draft panel of an edition. Organizers only.",
        request=PanelCreateSerializer,
        responses={201: PanelWithWarningsSerializer},
    )
    def create(self, request, *args, **kwargs):
        payload = PanelCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        forum = data.pop("forum")
        theme_id = data.pop("theme", None)
        theme = services.theme_for(forum=forum, theme_id=theme_id) if theme_id else None
        panel = services.create_panel(forum=forum, theme=theme, actor=request.user, **data)
        return self._result(panel, code=status.HTTP_201_CREATED)

    def _slot(self, request, panel, *, room_required):
        payload = (RoomSlotSerializer if room_required else SlotSerializer)(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if "room" in data:
            room = services.room_for(forum=panel.forum, room_id=data["room"])
        elif room_required:
            raise serializers.ValidationError({"room": ["Choose a room."]})
        else:
            room = None
        return room, data["start"], data["end"]

    def _panel(self, pk):
        return Panel.objects.select_related("forum", "room").get(pk=self.get_object().pk)

    @extend_schema(
        summary="Schedule a panel",
        description="Give an unscheduled panel a room and a time (a time without an offset is the forum's local "
        "time). A room already booked, or a speaker due elsewhere, answers 409 with every conflict in "
        "`conflicts`; a slot outside the forum's days or hours answers 400.",
        request=RoomSlotSerializer,
        responses=PLACEMENT_RESPONSES,
        examples=[SLOT_EXAMPLE, SCHEDULED_EXAMPLE, CONFLICT_EXAMPLE, INVALID_SLOT_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        panel = self._panel(pk)
        room, start, end = self._slot(request, panel, room_required=True)
        placement = services.schedule_panel(panel=panel, room=room, start=start, end=end, actor=request.user)
        return self._result(placement.panel, placement.warnings)

    @extend_schema(
        summary="Move a panel",
        description="Change the time (and the room, when given) of a scheduled or published panel; its "
        "speakers are told when it was public. Conflicts answer 409 as for scheduling.",
        request=SlotSerializer,
        responses=PLACEMENT_RESPONSES,
        examples=[SLOT_EXAMPLE, CONFLICT_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        panel = self._panel(pk)
        room, start, end = self._slot(request, panel, room_required=False)
        placement = services.move_panel(panel=panel, room=room, start=start, end=end, actor=request.user)
        return self._result(placement.panel, placement.warnings)

    @extend_schema(
        summary="Unschedule a panel",
        description="Free the panel's room and time; it goes back to draft.",
        request=None,
        responses={200: PanelWithWarningsSerializer, 409: ScheduleRefusalSerializer},
    )
    @action(detail=True, methods=["post"])
    def unschedule(self, request, pk=None):
        return self._result(services.unschedule_panel(panel=self._panel(pk), actor=request.user))

    @extend_schema(
        summary="Publish a panel",
        description="Show a scheduled panel in the public program (its slot is checked again).",
        request=None,
        responses={200: PanelWithWarningsSerializer, 409: ScheduleRefusalSerializer},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._result(services.publish_panel(panel=self._panel(pk), actor=request.user))

    @extend_schema(
        summary="Cancel a panel",
        description="Cancel a panel; a panel the public had seen stays listed as cancelled.",
        request=None,
        responses={200: PanelWithWarningsSerializer, 409: ScheduleRefusalSerializer},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._result(services.cancel_panel(panel=self._panel(pk), actor=request.user))


# --- the public changelog of the program ------------------------------------------------------


class ScheduleSlotSerializer(serializers.Serializer):
    start = serializers.SerializerMethodField()
    end = serializers.SerializerMethodField()
    room = serializers.CharField(allow_null=True, help_text="The room's name in the requested language.")

    @extend_schema_field(NULLABLE_DATETIME)
    def get_start(self, slot):
        return slot.start.isoformat() if slot.start else None

    @extend_schema_field(NULLABLE_DATETIME)
    def get_end(self, slot):
        return slot.end.isoformat() if slot.end else None


class ScheduleChangeSerializer(serializers.Serializer):
    """A change to a panel the public had seen: never who made it."""

    id = serializers.IntegerField()
    forum = serializers.CharField(source="forum.slug")
    kind = serializers.ChoiceField(
        choices=["moved", "cancelled", "unscheduled"],
        help_text="`moved` (new time or room), `cancelled`, or `unscheduled` (taken out of the program).",
    )
    changed_at = serializers.SerializerMethodField()
    panel = serializers.IntegerField(
        source="panel_id", allow_null=True, help_text="The panel's id while the public can still open it."
    )
    title = serializers.CharField()
    before = ScheduleSlotSerializer(help_text="Where and when the panel was, forum-local.")
    after = ScheduleSlotSerializer(allow_null=True, help_text="Where and when it is now (moves only).")
    url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "date-time"})
    def get_changed_at(self, change):
        return change.changed_at.isoformat()

    def get_url(self, change) -> str:
        return f"/forums/{change.forum.slug}/program/changes/#change-{change.id}"


class ScheduleChangeFilter(ForumFilterSet):
    forum = SlugFilter(field_name="forum__slug", help_text="An edition's slug.")
    since = UtcDateTimeFilter(
        field_name="created_at",
        lookup_expr="gt",
        help_text="Only changes made after this moment (ISO 8601; without an offset it is UTC).",
    )

    class Meta:
        model = ScheduleChange
        fields = ["forum", "since"]


SCHEDULE_CHANGE_EXAMPLE = OpenApiExample(
    "A panel moved to another room and hour",
    value={
        "count": 1, "next": None, "previous": None,
        "results": [{
            "id": 318, "forum": "ncf-2026", "kind": "moved", "changed_at": "2026-10-02T16:45:12.504211+04:00",
            "panel": 42, "title": "Securing the energy grid",
            "before": {"start": "2026-10-14T10:00:00+04:00", "end": "2026-10-14T11:00:00+04:00", "room": "Hall A"},
            "after": {"start": "2026-10-14T15:00:00+04:00", "end": "2026-10-14T16:00:00+04:00", "room": "Hall B"},
            "url": "/forums/ncf-2026/program/changes/#change-318",
        }],
    },
    response_only=True,
    status_codes=["200"],
)  # fmt: skip


@extend_schema_view(
    list=extend_schema(
        summary="List changes to the published program",
        description="What changed since the program was first announced, newest first: panels the public had "
        "seen that were moved (`before` and `after`, forum-local), cancelled or taken out of the program. "
        "Only public editions; never who made a change. Filter by `forum` (slug) and `since` (ISO 8601: only "
        "changes made after it, so a client can ask for what is new since its last visit).",
        examples=[SCHEDULE_CHANGE_EXAMPLE],
    ),
)
class ScheduleChangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ScheduleChangeSerializer
    filterset_class = ScheduleChangeFilter
    permission_classes = [permissions.AllowAny]
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return selectors.public_schedule_change_queryset()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        entries = selectors.describe_schedule_changes(page)
        return self.get_paginated_response(self.get_serializer(entries, many=True).data)


def register(router):
    """Add this app's viewsets to the v1 router (themes and rooms are read through forum's API)."""
    router.register("panels", PanelViewSet, basename="panel")
    router.register("schedule-changes", ScheduleChangeViewSet, basename="schedule-change")
    router.register("schedule-proposals", ScheduleProposalViewSet, basename="schedule-proposal")
