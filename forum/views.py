from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health, selectors


@require_GET
def home(request):
    forum = selectors.current_forum()
    return render(request, "forum/home.html", {"forum": forum}, status=200)


@require_GET
def editions(request):
    forums = selectors.visible_forums(user=request.user).order_by("-start_date", "-edition")
    return render(request, "forum/editions.html", {"forums": forums})


@require_GET
def forum_detail(request, slug):
    forum = selectors.forum_for_visitor(slug=slug, user=request.user)
    if forum is None:
        raise Http404("No such forum edition.")
    return render(request, "forum/detail.html", {"forum": forum})


def ratelimited(request, exception):
    """What a visitor over a rate limit sees (``RATELIMIT_VIEW``): 429 in their language, or the
    API's error shape under /api/; never a 403."""
    if request.path.startswith("/api/"):
        body = {"code": "throttled", "detail": gettext("Too many requests. Please try again later."), "fields": {}}
        response = JsonResponse(body, status=429)
    else:
        response = render(request, "forum/ratelimited.html", status=429)
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


def locked_out(request, credentials=None, *args, **kwargs):
    """What a sign-in locked by django-axes answers (``AXES_LOCKOUT_CALLABLE``): 429 with a plain
    message in the visitor's language (the API's error shape under /api/), saying how long."""
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    message = ngettext(
        "Too many failed sign-in attempts. Sign-in is locked for %(minutes)d minute; an organizer can unlock it.",
        "Too many failed sign-in attempts. Sign-in is locked for %(minutes)d minutes; an organizer can unlock it.",
        minutes,
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "locked_out", "detail": message, "fields": {}}, status=429)
    else:
        response = render(request, "forum/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(minutes * 60)
    response["Cache-Control"] = "no-store"
    return response


def client_address(request):
    """The address limits and lockouts count per: the one setting of trusted proxies decides
    (core/clientip.py), so a forged X-Forwarded-For is never believed."""
    from core.clientip import client_ip

    return client_ip(request)


@never_cache
@require_GET
def healthz(request):
    database = health.database_state()
    broker = health.broker_state()
    healthy = database["state"] == "ok"
    body = {
        "status": "ok" if healthy and broker["state"] in {"ok", "eager"} else ("degraded" if healthy else "down"),
        "database": database,
        "broker": broker,
    }
    # A broker outage degrades (mail waits in the outbox) but does not take the site out.
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_GET
def liveness(request):
    """The process answers: restart it when this fails. Touches no dependency, so an outage of the
    database or Redis never gets every node restarted at once."""
    return JsonResponse({"status": "alive"})


@never_cache
@require_GET
def readiness(request):
    """Send traffic here: database, migrations and Redis; 503 takes the node out of the proxy."""
    ready, body = health.readiness()
    return JsonResponse(body, status=200 if ready else 503)
