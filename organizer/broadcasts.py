"""Messages to a segment of an edition's people: write, preview with one real recipient and the
count, confirm, and the history with each broadcast's delivery states."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.decorators import organizer_required
from core.errors import DomainError
from forum import confirm as asking
from forum.forms import apply_domain_error

from . import selectors, services
from .editing import organizer_forum
from .forms import BroadcastForm


def _preview(forum, subject, body, person):
    language, context = services.broadcast_message(forum=forum, subject=subject, body=body, person=person)
    with translation.override(language):
        text = render_to_string(
            "notifications/email/organizer_broadcast.txt", {**context, "forum": {"name": forum.name}}
        )
    return {"language": language, "email": person["email"], "subject": context["subject"], "text": text}


@never_cache
@organizer_required("notifications.view_outboxmessage", write_permission="notifications.add_outboxmessage")
@require_http_methods(["GET", "POST"])
def messages_page(request, slug):
    forum = organizer_forum(request, slug)
    form = BroadcastForm(request.POST or None, forum=forum)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            audience, filters = form.segment()
            subject, body = form.texts()
            people = selectors.segment_recipients(forum=forum, audience=audience, filters=filters)
            if not people:
                form.add_error(None, _("Nobody is in this segment."))
            elif not asking.is_confirmed(request):
                counts = {"attendees": len(people)} if audience == "attendees" else {"speakers": len(people)}
                return render(
                    request,
                    "organizer/broadcast_confirm.html",
                    {
                        "forum": forum,
                        "active": "messages",
                        "audience": asking.audience_text(**counts),
                        "preview": _preview(forum, subject, body, people[0]),
                        "recipients": [f"{p['name']} <{p['email']}>" for p in people[: asking.SHOWN_RECIPIENTS]],
                        "more": max(0, len(people) - asking.SHOWN_RECIPIENTS),
                        "hidden": [
                            (k, v)
                            for k in request.POST
                            if k not in {"csrfmiddlewaretoken", "confirmed"}
                            for v in request.POST.getlist(k)
                        ],
                    },
                )
            else:
                try:
                    broadcast = services.send_broadcast(
                        forum=forum, audience=audience, filters=filters, subject=subject, body=body, by=request.user
                    )
                except DomainError as error:
                    apply_domain_error(form, error)
                else:
                    messages.success(request, _("%(n)s messages are on their way.") % {"n": broadcast.recipient_count})
                    return redirect("organizer:messages", slug=forum.slug)
    context = {
        "forum": forum,
        "active": "messages",
        "form": form,
        "history": selectors.broadcast_history(forum=forum),
    }
    return render(request, "organizer/messages.html", context, status=status)
