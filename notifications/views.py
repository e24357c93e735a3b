"""Organizer page of the outbox: counts per state, the newest messages, resend and cancel."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .errors import NotificationError
from .models import OutboxMessage


def staff_only(view):
    """Organizers are staff: visitors go to the login page, other accounts get 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


ACTIONS = {
    "resend": (services.resend_one, _("The message was queued again.")),
    "cancel": (services.cancel_one, _("The message was cancelled.")),
}


@staff_only
@require_GET
@permission_required("notifications.view_outboxmessage", raise_exception=True)
def outbox(request):
    state = request.GET.get("state")
    state = state if state in OutboxMessage.State.values else None
    kind = request.GET.get("kind") or None
    context = {
        "states": selectors.state_summary(),
        "current_state": state,
        "current_kind": kind,
        "kinds": selectors.outbox_kinds(),
        "outbox_messages": selectors.outbox_messages(state=state, kind=kind),
        "can_change": request.user.has_perm("notifications.change_outboxmessage"),
    }
    return render(request, "notifications/organizer/outbox.html", context)


@staff_only
@require_POST
@permission_required("notifications.change_outboxmessage", raise_exception=True)
def outbox_action(request, pk, action):
    service, done = ACTIONS[action]
    try:
        service(message_id=pk)
    except NotificationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    url = reverse("notifications:outbox")
    state = request.POST.get("state")
    if state in OutboxMessage.State.values:
        url += f"?state={state}"
    return redirect(url)
