"""The guard of every organizer page (/organizer/...), shared by all apps."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .permissions import is_organizer

READ_METHODS = {"GET", "HEAD"}


def organizer_required(permission, *, write_permission=None):
    """Visitors go to the login page; accounts that are not staff, or staff without the
    permission (outside the Organizers group), get 403. ``write_permission``, when given, is what
    other methods than GET and HEAD need instead. ``permission=None``: any organizer (pages about
    the organizer's own account)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                # The console's own sign-in page (settings.LOGIN_URL), not the admin's.
                return redirect_to_login(request.get_full_path())
            needed = permission
            if write_permission and request.method not in READ_METHODS:
                needed = write_permission
            allowed = is_organizer(request.user) if needed is None else request.user.has_perm(needed)
            if not (request.user.is_staff and allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
