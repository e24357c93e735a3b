"""Print-ready PDFs of an edition, made by background jobs (``core/jobs.py``): the badges of
everyone (or a filtered set), the door list by surname and the program.

Each kind has a ``start_*`` service (what the printing page calls: it checks the request and
queues the job) and a runner (what the worker calls: it reads the data as it is then, draws the
PDF and reports its progress). The badges read the registration app's badge (the QR code is the
badge code the check-in desk scans) and the Latin spelling of names from the speakers' records.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import DomainError
from core.jobs import JobResult, start_job
from panels.models import Panel
from registration import badges
from registration import selectors as registrations
from registration.models import Category
from speakers import selectors as speakers

from . import selectors

BADGES_JOB = "badges"
DOOR_LIST_JOB = "door_list"
PROGRAM_JOB = "program"
KINDS = (BADGES_JOB, DOOR_LIST_JOB, PROGRAM_JOB)


class PrintingError(DomainError):
    code = "printing"


# --- badges -----------------------------------------------------------------------------------


def _badge_filters(forum, *, status="", category="", panel=None):
    if status and status not in registrations.BADGE_STATUSES:
        raise PrintingError(_("Choose a status among the offered ones."), fields={"status": ["invalid"]})
    if category and category not in Category.values:
        raise PrintingError(_("Choose a category among the offered ones."), fields={"category": ["invalid"]})
    if panel is not None and not Panel.objects.filter(forum=forum, pk=panel).exists():
        raise PrintingError(_("This panel is not part of this edition."), fields={"panel": ["invalid"]})
    return {"status": status or "", "category": category or "", "panel": panel}


def start_badges(*, forum, by=None, status="", category="", panel=None, layout=badges.SHEET):
    """Queue the badges PDF of ``forum``'s registrations that match (none cancelled): refused at
    once when nobody matches, so the organizer is not sent to wait for an empty file."""
    filters = _badge_filters(forum, status=status, category=category, panel=panel)
    if layout not in badges.LAYOUTS:
        raise PrintingError(_("Choose a layout among the offered ones."), fields={"layout": ["invalid"]})
    if not registrations.badge_registrations(forum=forum, **filters).exists():
        raise PrintingError(_("Nobody matches this selection: there is no badge to print."), code="nobody")
    return start_job(kind=BADGES_JOB, forum=forum, by=by, params={**filters, "layout": layout})


def run_badges_job(*, job, progress):
    forum = job.forum
    params = job.params
    filters = _badge_filters(
        forum, status=params.get("status", ""), category=params.get("category", ""), panel=params.get("panel")
    )
    layout = params.get("layout", badges.SHEET)
    progress.note(_("Reading the registrations"))
    people = list(registrations.badge_registrations(forum=forum, **filters))
    if not people:
        return JobResult(failed=True, message=_("Nobody matches this selection any more: there is no badge to print."))
    latin = speakers.latin_names(emails=[person.email for person in people])
    names = {person.pk: latin[person.email.lower()] for person in people if person.email.lower() in latin}
    progress.start(len(people), _("Drawing the badges"))
    content, pages = badges.badges_pdf(people, layout=layout, latin_names=names, progress=progress)
    message = "{}, {}.".format(
        ngettext("%(n)s badge", "%(n)s badges", len(people)) % {"n": len(people)},
        ngettext("%(n)s page", "%(n)s pages", pages) % {"n": pages},
    )
    summary = {"badges": len(people), "pages": pages, "layout": layout, "latin_names": len(names), **filters}
    return JobResult(summary=summary, content=content, filename=f"badges-{forum.slug}.pdf", message=message)


# --- the door list and the program --------------------------------------------------------------


def start_door_list(*, forum, by=None):
    return start_job(kind=DOOR_LIST_JOB, forum=forum, by=by)


def start_program(*, forum, by=None):
    return start_job(kind=PROGRAM_JOB, forum=forum, by=by)


def _pdf(*, forum, title, lead, body_template, context):
    from weasyprint import HTML

    made_at = date_format(timezone.localtime(timezone.now(), forum.tz), "DATETIME_FORMAT")
    html = render_to_string(
        "organizer/print/pdf.html",
        {"forum": forum, "title": title, "lead": lead, "made_at": made_at, "body_template": body_template, **context},
    )
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    return document.write_pdf(), len(document.pages)


def run_door_list_job(*, job, progress):
    forum = job.forum
    progress.note(_("Reading the registrations"))
    people = list(registrations.door_list(forum=forum))
    progress.start(len(people) or 1, _("Laying out the pages"))
    lead = ngettext(
        "%(n)s confirmed attendee, by surname.", "%(n)s confirmed attendees, by surname.", len(people)
    ) % {"n": len(people)}  # fmt: skip
    content, pages = _pdf(
        forum=forum,
        title=_("Door list"),
        lead=lead,
        body_template="organizer/print/_door_list_table.html",
        context={"people": people},
    )
    progress.advance(len(people) or 1)
    return JobResult(
        summary={"people": len(people), "pages": pages},
        content=content,
        filename=f"door-list-{forum.slug}.pdf",
        message=lead,
    )


def run_program_job(*, job, progress):
    forum = job.forum
    progress.note(_("Reading the program"))
    days = selectors.printable_program(forum=forum)
    count = sum(len(panels) for _day, panels in days)
    progress.start(count or 1, _("Laying out the pages"))
    lead = _("Times are local (%(tz)s).") % {"tz": forum.timezone}
    content, pages = _pdf(
        forum=forum,
        title=_("Program"),
        lead=lead,
        body_template="organizer/print/_program_days.html",
        context={"days": days},
    )
    progress.advance(count or 1)
    message = ngettext("%(n)s panel.", "%(n)s panels.", count) % {"n": count}
    return JobResult(
        summary={"panels": count, "pages": pages},
        content=content,
        filename=f"program-{forum.slug}.pdf",
        message=message,
    )
