"""Printable pages of an edition: the door list by surname and the program. The browser prints
them (A4, print styles in console.css); no file is produced on the server."""

from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.decorators import organizer_required
from core.responses import private_link_headers
from panels.models import Panel, Participation
from registration.models import Registration

from .editing import organizer_forum


@never_cache
@organizer_required("registration.view_registration")
@require_GET
def door_list(request, slug):
    """Everyone expected at the door (confirmed), by surname, with the badge code and a box to tick."""
    forum = organizer_forum(request, slug)
    people = (
        Registration.objects.filter(forum=forum, status=Registration.Status.CONFIRMED, anonymized_at__isnull=True)
        .only("first_name", "last_name", "organization", "badge_code", "category", "checked_in_at")
        .order_by("last_name", "first_name", "id")
    )
    context = {"forum": forum, "active": "checkin", "people": people}
    return private_link_headers(render(request, "organizer/print/door_list.html", context))


@never_cache
@organizer_required("panels.view_panel")
@require_GET
def program(request, slug):
    """The program as it stands (published and scheduled panels), by day and time, to print."""
    forum = organizer_forum(request, slug)
    speakers = Prefetch("participations", queryset=Participation.objects.select_related("speaker"))
    panels = (
        Panel.objects.filter(forum=forum, status__in=[Panel.Status.SCHEDULED, Panel.Status.PUBLISHED])
        .select_related("forum", "room", "theme")
        .prefetch_related(speakers)
        .order_by("start", "room__order", "id")
    )
    days = {}
    for panel in panels:
        days.setdefault(panel.local_start.date(), []).append(panel)
    context = {"forum": forum, "active": "schedule", "days": sorted(days.items())}
    return render(request, "organizer/print/program.html", context)
