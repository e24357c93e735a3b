"""Public read API of forum editions, themes and rooms."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from core.rest.fields import LocalTimeField
from core.rest.filters import ForumFilterSet, SlugFilter

from . import selectors
from .models import Forum, Room, Theme


class ForumSerializer(serializers.ModelSerializer):
    host_country = serializers.CharField(source="host_country.code", read_only=True)
    day_opens_at = LocalTimeField(read_only=True)
    day_closes_at = LocalTimeField(read_only=True)

    class Meta:
        model = Forum
        fields = [
            "slug", "name", "edition", "year", "start_date", "end_date", "day_opens_at", "day_closes_at",
            "city", "venue", "timezone", "host_country", "status", "registration_opens_at",
            "registration_closes_at", "capacity",
        ]  # fmt: skip


class ThemeSerializer(serializers.ModelSerializer):
    forum = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Theme
        fields = ["id", "forum", "code", "name", "colour", "order"]


class RoomSerializer(serializers.ModelSerializer):
    forum = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Room
        fields = ["id", "forum", "name", "capacity", "interpretation_languages", "order"]


def _visible_forums(request):
    return selectors.visible_forums(user=request.user)


@extend_schema_view(
    list=extend_schema(
        summary="List forum editions",
        description="Published and archived editions, newest first (organizers also see drafts). "
        "Filter by `status` and `year`; order by `start_date` or `edition`.",
    ),
    retrieve=extend_schema(summary="One forum edition", description="An edition by its slug, e.g. `ncf-2026`."),
)
class ForumViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ForumSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_fields = ["status", "year"]
    ordering_fields = ["start_date", "edition"]

    def get_queryset(self):
        return _visible_forums(self.request).order_by("-start_date")


class ForumChildFilter(ForumFilterSet):
    forum = SlugFilter(field_name="forum__slug", help_text="An edition's slug.")


@extend_schema_view(
    list=extend_schema(
        summary="List themes",
        description="The themed tracks of visible editions, in their order; `?forum=<slug>` for one edition.",
    ),
    retrieve=extend_schema(summary="One theme", description="A theme by id."),
)
class ThemeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ThemeSerializer
    ordering_fields = ["order"]

    class ForumChildFilter(ForumChildFilter):
        class Meta:
            model = Theme
            fields = ["forum"]

    filterset_class = ForumChildFilter

    def get_queryset(self):
        return Theme.objects.filter(forum__in=_visible_forums(self.request)).select_related("forum")


@extend_schema_view(
    list=extend_schema(
        summary="List rooms",
        description="Rooms of visible editions with capacity and interpretation languages; "
        "`?forum=<slug>` for one edition.",
    ),
    retrieve=extend_schema(summary="One room", description="A room by id."),
)
class RoomViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RoomSerializer
    ordering_fields = ["order", "capacity"]

    class ForumChildFilter(ForumChildFilter):
        class Meta:
            model = Room
            fields = ["forum"]

    filterset_class = ForumChildFilter

    def get_queryset(self):
        return Room.objects.filter(forum__in=_visible_forums(self.request)).select_related("forum")


def register(router):
    router.register("forums", ForumViewSet, basename="forum")
    router.register("themes", ThemeViewSet, basename="theme")
    router.register("rooms", RoomViewSet, basename="room")
