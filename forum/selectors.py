"""Reads of forum editions that pages and the API share."""

from django.db.models import Q
from django.utils import timezone

from core.permissions import sees_drafts

from .models import Forum


def visible_forums(*, user):
    """Every edition for organizers; published and archived ones for everybody else."""
    return Forum.objects.all() if sees_drafts(user) else public_forums()


def public_forums():
    return Forum.objects.filter(status__in=[Forum.Status.PUBLISHED, Forum.Status.ARCHIVED])


def current_forum():
    """The published edition that is upcoming or under way, else the most recent one."""
    today = timezone.localdate()
    published = Forum.objects.filter(status=Forum.Status.PUBLISHED)
    upcoming = published.filter(end_date__gte=today).order_by("start_date").first()
    return upcoming or published.order_by("-start_date").first()


def forum_for_visitor(*, slug, user):
    """A forum by slug; drafts only for organizers. None when the visitor may not see it."""
    query = Q(slug=slug)
    if not sees_drafts(user):
        query &= Q(status__in=[Forum.Status.PUBLISHED, Forum.Status.ARCHIVED])
    return Forum.objects.filter(query).prefetch_related("themes", "rooms").first()
