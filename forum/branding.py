"""The forum's name and dates in the layout of every email (``NOTIFICATIONS_BRANDING``)."""

from django.conf import settings
from django.utils.translation import gettext as _

from .models import Forum
from .selectors import current_forum


def email_branding(context):
    """The edition named by ``forum_id`` in a message context, else the current edition; names in
    the active language."""
    forum = None
    if context.get("forum_id"):
        forum = Forum.objects.filter(pk=context["forum_id"]).first()
    if forum is None:
        forum = current_forum()
    if forum is None:
        return {"name": _("National Cybersecurity Forum"), "url": settings.SITE_URL}
    return {
        "id": forum.pk,
        "name": forum.name,
        "city": forum.city,
        "venue": forum.venue,
        "edition": forum.edition,
        "year": forum.year,
        "start_date": forum.start_date,
        "end_date": forum.end_date,
        "url": settings.SITE_URL + forum.get_absolute_url(),
        # The outbox renders the message, and builds its attachments, in this zone.
        "timezone": forum.timezone,
    }
