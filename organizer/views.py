from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from forum import selectors as forums
from forum import services as forum_services
from forum.decorators import organizer_required
from forum.errors import ForumError

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


@organizer_required("forum.add_forum")
@require_POST
def copy_edition(request, slug):
    forum = _organizer_forum(request, slug)
    try:
        copy = forum_services.copy_to_next_year(source=forum)
    except ForumError as exc:
        messages.error(request, exc.message)
        return redirect("organizer:dashboard", slug=forum.slug)
    messages.success(request, gettext("Created %(copy)s.") % {"copy": copy})
    return redirect("admin:forum_forum_change", copy.pk)
