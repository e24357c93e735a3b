"""Printing an edition. The door list by surname and the program are pages with A4 print styles
(the browser prints them); the printing page makes print-ready PDFs of the badges, the door list
and the program in the background (``organizer/documents.py``, ``core/jobs.py``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core import jobs
from core.decorators import organizer_required
from core.errors import DomainError
from core.responses import private_link_headers
from forum.forms import apply_domain_error
from registration import selectors as registrations

from . import documents, selectors
from .editing import organizer_forum
from .forms import BadgesForm


@never_cache
@organizer_required("registration.view_registration")
@require_GET
def door_list(request, slug):
    """Everyone expected at the door (confirmed), by surname, with the badge code and a box to tick."""
    forum = organizer_forum(request, slug)
    people = registrations.door_list(forum=forum)
    context = {"forum": forum, "active": "checkin", "people": people}
    return private_link_headers(render(request, "organizer/print/door_list.html", context))


@never_cache
@organizer_required("panels.view_panel")
@require_GET
def program(request, slug):
    """The program as it stands (published and scheduled panels), by day and time, to print."""
    forum = organizer_forum(request, slug)
    context = {"forum": forum, "active": "schedule", "days": selectors.printable_program(forum=forum)}
    return render(request, "organizer/print/program.html", context)


@never_cache
@organizer_required("forum.view_forum")
@require_http_methods(["GET", "POST"])
def printing(request, slug):
    """Choose what to print (badges of everyone or a filtered set, on A4 sheets with cut marks or
    one per A6 page; the door list; the program): each is made as a PDF by a background job whose
    page follows its progress."""
    forum = organizer_forum(request, slug)
    may = {kind: request.user.has_perm(jobs.job_kind(kind).permission) for kind in documents.KINDS}
    form = BadgesForm(request.POST if request.POST.get("what") == documents.BADGES_JOB else None, forum=forum)
    status = 200
    if request.method == "POST":
        what = request.POST.get("what", "")
        if what not in documents.KINDS:
            messages.error(request, _("Choose what to print."))
            status = 400
        elif not may[what]:
            raise PermissionDenied
        else:
            job = None
            try:
                if what == documents.BADGES_JOB:
                    if form.is_valid():
                        job = documents.start_badges(forum=forum, by=request.user, **form.selection())
                elif what == documents.DOOR_LIST_JOB:
                    job = documents.start_door_list(forum=forum, by=request.user)
                else:
                    job = documents.start_program(forum=forum, by=request.user)
            except DomainError as error:
                if what == documents.BADGES_JOB:
                    apply_domain_error(form, error)
                else:
                    messages.error(request, error.message)
            if job is not None:
                return redirect("organizer:job", slug=forum.slug, pk=job.pk)
            status = 400
    recent = jobs.forum_jobs(forum=forum, kinds=[k for k in documents.KINDS if may[k]], limit=10)
    context = {"forum": forum, "active": "reports", "form": form, "may": may, "recent": recent}
    return render(request, "organizer/printing.html", context, status=status)
