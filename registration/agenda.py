"""The personal agenda on the public program: which attendee this browser belongs to.

Opening a personal link (the manage page) keeps a reference to that link's access token in the
session, per forum: never the raw token. The program and panel pages then ask ``provider``
(through the panels' agenda signals, answered in ``registration.receivers``) for the panels the
registration chose, and the star posts to ``views.agenda_star``. The choice lives on the
registration, so it follows the person to any device where they open their link.
"""

from django.urls import reverse
from django.utils import timezone

from .models import AccessToken, Registration

SESSION_KEY = "registration.agenda"


def remember(request, *, access):
    """Keep ``access`` (an AccessToken) as this browser's agenda for its registration's forum."""
    kept = dict(request.session.get(SESSION_KEY, {}))
    forum_id = str(access.registration.forum_id)
    if kept.get(forum_id) != access.pk:
        kept[forum_id] = access.pk
        request.session[SESSION_KEY] = kept


def holds(*, request, forum):
    """Whether this browser remembers a personal link for ``forum`` (reads the session only)."""
    session = getattr(request, "session", None)
    return session is not None and str(forum.pk) in session.get(SESSION_KEY, {})


def access_for(request, forum):
    """The remembered, still valid access token for ``forum`` with its registration, or None."""
    access_id = request.session.get(SESSION_KEY, {}).get(str(forum.pk)) if hasattr(request, "session") else None
    if not isinstance(access_id, int):
        return None
    access = (
        AccessToken.objects.select_related("registration")
        .filter(pk=access_id, registration__forum=forum, expires_at__gt=timezone.now())
        .exclude(registration__status=Registration.Status.CANCELLED)
        .filter(registration__anonymized_at__isnull=True)
        .first()
    )
    return access


def provider(*, request, forum):
    access = access_for(request, forum)
    if access is None:
        return None
    starred = set(access.registration.panels.values_list("pk", flat=True))
    return starred, reverse("registration:agenda-star", kwargs={"slug": forum.slug}), None
