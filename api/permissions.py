"""Who may do what through the API.

Organizers are users in the Organizers group (or superusers); anonymous visitors read public
data only; RSVP and registration-manage tokens grant exactly their own record (checked by the
viewsets that take them).
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from forum.permissions import ORGANIZERS_GROUP


def is_organizer(user):
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_organizer", None)
    if cached is None:
        cached = user.groups.filter(name=ORGANIZERS_GROUP).exists()
        user._is_organizer = cached
    return cached


class IsOrganizer(BasePermission):
    message = "Only forum organizers may do this."

    @staticmethod
    def allows_anonymous(method):
        return False

    def has_permission(self, request, view):
        return is_organizer(request.user)


class PublicReadOrganizerWrite(BasePermission):
    """Anyone may read (the viewset limits what is public); only organizers may write."""

    message = "Only forum organizers may change this."

    @staticmethod
    def allows_anonymous(method):
        return method in SAFE_METHODS

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or is_organizer(request.user)


class AnyoneWithTheLink(BasePermission):
    """For token-addressed records (RSVP, registration manage): the token in the URL is the
    credential, checked by the view; no account is needed."""

    @staticmethod
    def allows_anonymous(method):
        return True

    def has_permission(self, request, view):
        return True
