"""The console's pages of background jobs (``core/jobs.py``): the list of an edition's jobs, one
job's page (its progress while it runs, its result once it has ended), the small status answer the
page polls, and the guarded download of the result file.

Every page needs the edition to be visible to the organizer and the permission of the job's kind
(the badges need the registrations', an import the invitations'): a job of another edition is a
404, a kind the account may not read a 403. The file is only ever streamed from here.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import jobs
from core.decorators import organizer_required
from core.errors import DomainError
from core.responses import private_file_response

from .editing import organizer_forum

OUTCOMES_PER_PAGE = 100


def _job(request, slug, pk, with_result=True):
    forum = organizer_forum(request, slug)
    job = jobs.forum_job(forum=forum, pk=pk, with_result=with_result)
    if job is None:
        raise Http404(_("No such job."))
    if not jobs.may_see(request.user, job):
        raise PermissionDenied
    return forum, job


@never_cache
@organizer_required("forum.view_forum")
@require_GET
def job_list(request, slug):
    forum = organizer_forum(request, slug)
    items = jobs.forum_jobs(forum=forum, kinds=jobs.kinds_for(request.user))
    return render(request, "organizer/jobs/list.html", {"forum": forum, "active": "reports", "jobs": items})


@never_cache
@organizer_required("forum.view_forum")
@require_GET
def job_page(request, slug, pk):
    forum, job = _job(request, slug, pk)
    kind = jobs.job_kind(job.kind)
    outcomes = None
    if job.finished and isinstance(job.result.get("outcomes"), list) and job.result["outcomes"]:
        # A result's "outcomes" (one entry per row of an import) are shown a page at a time.
        outcomes = Paginator(job.result["outcomes"], OUTCOMES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "forum": forum,
        "active": kind.nav or "reports",
        "job": job,
        "kind": kind,
        "result": job.result,
        "outcomes": outcomes,
    }
    return render(request, "organizer/jobs/job.html", context)


@never_cache
@organizer_required("forum.view_forum")
@require_GET
def job_status(request, slug, pk):
    """What the job's page polls while the job is queued or running."""
    _forum, job = _job(request, slug, pk, with_result=False)
    return JsonResponse(jobs.status(job))


@never_cache
@organizer_required("forum.view_forum")
@require_GET
def job_file(request, slug, pk):
    _forum, job = _job(request, slug, pk, with_result=False)
    try:
        storage, name = jobs.open_result(job)
    except DomainError as error:
        raise Http404(error.message) from error
    response = private_file_response(storage, name)
    response["Content-Disposition"] = f'attachment; filename="{job.result_filename or "result"}"'
    response["X-Robots-Tag"] = "noindex"
    return response
