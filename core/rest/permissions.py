"""Who may do what through the API.

Organizers hold the model permissions of the Organizers group (superusers hold them all);
anonymous visitors read public data only; RSVP and registration-manage tokens grant exactly their
own record (checked by the viewsets that take them).

A view names the permission an operation needs with ``required_permission`` (a string, or a
dict by action); otherwise it is derived from the view's model: add for create, delete for
destroy, change for every other write and view for organizer-only reads.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.permissions import is_organizer

__all__ = ["is_organizer"]


def required_permission(request, view):
    explicit = getattr(view, "required_permission", None)
    if isinstance(explicit, dict):
        explicit = explicit.get(getattr(view, "action", None))
    if explicit:
        return explicit
    model = getattr(view, "permission_model", None)
    if model is None:
        model = view.get_serializer_class().Meta.model
    action = getattr(view, "action", None)
    if action == "create":
        verb = "add"
    elif action == "destroy":
        verb = "delete"
    elif request.method in SAFE_METHODS:
        verb = "view"
    else:
        verb = "change"
    return f"{model._meta.app_label}.{verb}_{model._meta.model_name}"


def holds_permission(request, view):
    user = request.user
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.has_perm(required_permission(request, view))


class IsOrganizer(BasePermission):
    """Organizer-only operations, reads included."""

    message = "Only forum organizers may do this."

    @staticmethod
    def allows_anonymous(method):
        return False

    def has_permission(self, request, view):
        return holds_permission(request, view)


class PublicReadOrganizerWrite(BasePermission):
    """Anyone may read (the viewset limits what is public); only organizers may write."""

    message = "Only forum organizers may change this."

    @staticmethod
    def allows_anonymous(method):
        return method in SAFE_METHODS

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or holds_permission(request, view)


class AnyoneWithTheLink(BasePermission):
    """For token-addressed records (RSVP, registration manage): the token in the URL is the
    credential, checked by the view; no account is needed."""

    @staticmethod
    def allows_anonymous(method):
        return True

    def has_permission(self, request, view):
        return True
