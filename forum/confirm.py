"""The confirmation step shared by every destructive or mass-email action (template
``confirm.html``): the first POST shows what will happen and to whom; only a POST that carries the
button's ``confirmed`` value does it."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CONFIRMED = "confirmed"
SHOWN_RECIPIENTS = 20


def is_confirmed(request):
    return request.POST.get(CONFIRMED) == "yes"


def audience_text(*, attendees=0, speakers=0, others=0):
    """ "This emails 22 attendees and 2 speakers", or that nobody is emailed."""
    parts = []
    if attendees:
        parts.append(ngettext("%(n)s attendee", "%(n)s attendees", attendees) % {"n": attendees})
    if speakers:
        parts.append(ngettext("%(n)s speaker", "%(n)s speakers", speakers) % {"n": speakers})
    if others:
        parts.append(ngettext("%(n)s person", "%(n)s people", others) % {"n": others})
    if not parts:
        return _("Nobody is emailed.")
    people = (
        parts[0]
        if len(parts) == 1
        else _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}
    )
    return _("This emails %(people)s.") % {"people": people}


def confirmation(request, *, title, lead, action_url, cancel_url, audience=None, recipients=(), buttons=None,
                 forum=None, console=True, keep=None):  # fmt: skip
    """Render the confirmation page. ``keep`` is the POST data to carry over (default: all of it but
    the CSRF token and the confirmation itself); ``buttons`` default to one confirming button."""
    data = request.POST if keep is None else keep
    hidden = [
        (name, value)
        for name in data
        if name not in {"csrfmiddlewaretoken", CONFIRMED, "notify"}
        for value in (data.getlist(name) if hasattr(data, "getlist") else [data[name]])
    ]
    recipients = list(recipients)
    context = {
        "title": title,
        "lead": lead,
        "audience": audience,
        "recipients": recipients[:SHOWN_RECIPIENTS],
        "more": max(0, len(recipients) - SHOWN_RECIPIENTS),
        "action_url": action_url,
        "cancel_url": cancel_url,
        "hidden": hidden,
        "buttons": buttons or [(CONFIRMED, "yes", _("Yes, go ahead"), "danger")],
        "forum": forum,
        "console": console,
    }
    return render(request, "confirm.html", context)
