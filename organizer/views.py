from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.decorators import organizer_required
from forum import selectors as forums

from . import selectors


def _organizer_forum(request, slug):
    forum = forums.visible_forums(user=request.user).filter(slug=slug).first()
    if forum is None:
        raise Http404(gettext("No such forum edition."))
    return forum


@never_cache
@organizer_required("forum.view_forum")
@require_GET
def dashboard(request, slug):
    forum = _organizer_forum(request, slug)
    context = {
        "forum": forum,
        **selectors.dashboard(forum=forum),
        "can_copy": request.user.has_perm("forum.add_forum"),
        "can_publish": request.user.has_perm("panels.change_panel"),
    }
    return render(request, "organizer/dashboard.html", context)


@never_cache
@organizer_required("forum.view_forum")
@require_GET
def reports(request, slug):
    forum = _organizer_forum(request, slug)
    return render(request, "organizer/reports.html", {"forum": forum, "active": "reports"})
