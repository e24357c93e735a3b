"""Organizer page of the outbox: counts per state, the newest messages, resend and cancel."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from core.decorators import organizer_required

from . import selectors, services
from .errors import NotificationError
from .kinds import kind_choices
from .models import OutboxMessage

ACTIONS = {
    "resend": (services.resend_one, _("The message was queued again.")),
    "cancel": (services.cancel_one, _("The message was cancelled.")),
}


@organizer_required("notifications.view_outboxmessage")
@require_GET
def outbox(request):
    state = request.GET.get("state")
    state = state if state in OutboxMessage.State.values else None
    kind = request.GET.get("kind") or None
    context = {
        "states": selectors.state_summary(),
        "current_state": state,
        "current_kind": kind,
        "kinds": kind_choices(selectors.outbox_kinds()),
        "outbox_messages": selectors.outbox_messages(state=state, kind=kind),
        "can_change": request.user.has_perm("notifications.change_outboxmessage"),
    }
    return render(request, "notifications/organizer/outbox.html", context)


@organizer_required("notifications.change_outboxmessage")
@require_POST
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
