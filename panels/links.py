"""The addresses of a panel, in one place: pages, emails, calendar files, exports and the API all
build them here (templates use the same route names, ``panels:detail`` and ``panels:panel-ics``)."""

from django.conf import settings
from django.urls import reverse


def panel_path(panel):
    """The panel's public page, site-relative: ``/forums/<slug>/panels/<id>/``."""
    return reverse("panels:detail", kwargs={"slug": panel.forum.slug, "panel_id": panel.pk})


def panel_url(panel):
    """The panel's public page, absolute (for emails, calendars and exports)."""
    return settings.SITE_URL + panel_path(panel)


def panel_ics_url(panel):
    """The panel's calendar file, absolute."""
    return settings.SITE_URL + reverse("panels:panel-ics", kwargs={"slug": panel.forum.slug, "panel_id": panel.pk})
