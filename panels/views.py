"""Pages: the organizer's schedule grid, the public program, a panel's page, and the exports."""

import hashlib

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_GET, require_POST

from core.decorators import organizer_required
from core.permissions import sees_drafts
from forum import confirm
from forum.selectors import forum_for_visitor

from . import caching, exports, selectors, services
from .errors import PanelError
from .forms import ProgramFilterForm, SlotForm
from .models import Panel, ScheduleChange

# --- conditional GET -----------------------------------------------------------------------


def _forum(request, slug):
    """The forum the visitor may see, with its schedule stamp, looked up once per request."""
    forums = request.__dict__.setdefault("_forums", {})
    if slug not in forums:
        forums[slug] = selectors.forum_with_schedule_stamp(slug=slug, user=request.user)
    if forums[slug] is None:
        raise Http404(_("No such forum edition."))
    return forums[slug]


def _last_modified(request, slug, **kwargs):
    return selectors.schedule_last_modified(forum=_forum(request, slug))


def _etag(request, slug, **kwargs):
    """Changes with the data, the language, the filters and whether the visitor sees drafts."""
    stamp = _last_modified(request, slug)
    key = f"{stamp.isoformat()}|{get_language()}|{request.get_full_path()}|{sees_drafts(request.user)}"
    return hashlib.sha256(key.encode()).hexdigest()[:40]


conditional = condition(etag_func=_etag, last_modified_func=_last_modified)


# --- public pages --------------------------------------------------------------------------


PROGRAM_FILTERS = tuple(ProgramFilterForm.base_fields)


def _program_content(forum, form, days=(), filtered=False, count=0):
    # Rendered without the request on purpose: base.html's language switcher carries a CSRF token
    # and the navigation depends on the visitor, so the whole page must never be cached. This
    # fragment (heading, filters, export links, the days) depends only on the forum's data, the
    # language and the filters, and cannot reach the token, the user or the messages.
    context = {
        "forum": forum,
        "form": form,
        "days": days,
        "filtered": filtered,
        "count": count,
        "change_count": selectors.public_schedule_change_count(forum=forum),
    }
    return render_to_string("panels/_program_content.html", context)


@require_GET
@conditional
def program(request, slug):
    forum = _forum(request, slug)
    # The filters as the form reads them (the last value of each, unknown parameters ignored), so
    # ?theme=x&utm=y and ?theme=x share a copy. Invalid values miss, answer 400 and are not stored.
    query = [(name, request.GET.get(name, "")) for name in PROGRAM_FILTERS]
    key, content = caching.lookup(
        user=request.user, kind="program", forum=forum, stamp=_last_modified(request, slug), query=query
    )
    if content is None:
        form = ProgramFilterForm(request.GET or None, forum=forum)
        if request.GET and not form.is_valid():
            content = _program_content(forum, form)
            return render(request, "panels/program.html", {"forum": forum, "content": content}, status=400)
        filters = form.filters() if request.GET else {}
        panels = list(selectors.public_panels(forum=forum, **filters))
        days = [
            {"day": day, "slots": selectors.group_by_time(day_panels)}
            for day, day_panels in selectors.group_by_day(panels)
        ]
        content = _program_content(forum, form, days, filtered=any(filters.values()), count=len(panels))
        caching.store(key, str(content))
    return render(request, "panels/program.html", {"forum": forum, "content": mark_safe(content)})  # noqa: S308 - rendered by us


@require_GET
@conditional
def panel_detail(request, slug, panel_id):
    forum = _forum(request, slug)
    panel = selectors.public_panel(forum=forum, panel_id=panel_id, user=request.user)
    if panel is None:
        raise Http404(_("No such panel in the program."))
    changes = selectors.public_schedule_changes(forum=forum, panel=panel) if panel.is_public else []
    return render(request, "panels/panel_detail.html", {"forum": forum, "panel": panel, "changes": changes})


@require_GET
@conditional
def changes(request, slug):
    """What changed in the published program since it was first announced, newest first."""
    forum = _forum(request, slug)
    entries = selectors.public_schedule_changes(forum=forum)
    return render(request, "panels/changes.html", {"forum": forum, "changes": entries})


@require_GET
@conditional
def changes_feed(request, slug):
    """The same changes as an Atom feed (entries in the visitor's language)."""
    from .feeds import ScheduleChangesFeed

    response = ScheduleChangesFeed()(request, forum=_forum(request, slug))
    # The feed would date itself by its newest entry (or by now when it has none); the program's
    # stamp is what the ETag follows, so Last-Modified says the same (set by ``conditional``).
    del response["Last-Modified"]
    return response


def _attachment(content, content_type, filename, inline=False):
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_GET
@conditional
def panel_ics(request, slug, panel_id):
    forum = _forum(request, slug)
    panel = selectors.public_panel(forum=forum, panel_id=panel_id)
    if panel is None or not panel.start:
        raise Http404(_("No such panel in the program."))
    body = exports.ics(forum=forum, panels=[panel], name=panel.title)
    return _attachment(body, "text/calendar; charset=utf-8", f"{forum.slug}-panel-{panel.pk}.ics")


def _export(request, slug, kind, build):
    """The body of export ``kind``: ``build(forum=, panels=, version=)`` on a miss, cached after.
    Exports never show drafts; organizers bypass the cache all the same (see panels.caching)."""
    forum = _forum(request, slug)
    stamp = _last_modified(request, slug)
    version = stamp.strftime("%Y-%m-%d %H:%M:%S")
    body = caching.cached(
        user=request.user,
        kind=kind,
        forum=forum,
        stamp=stamp,
        build=lambda: build(forum=forum, panels=selectors.public_panels(forum=forum), version=version),
    )
    return body


@require_GET
@conditional
def schedule_ics(request, slug):
    body = _export(request, slug, "schedule.ics", lambda version, **kwargs: exports.ics(**kwargs))
    return _attachment(body, "text/calendar; charset=utf-8", f"{slug}.ics", inline=True)


@require_GET
@conditional
def schedule_xml(request, slug):
    body = _export(request, slug, "schedule.xml", exports.frab_xml)
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@require_GET
@conditional
def schedule_json(request, slug):
    body = _export(request, slug, "schedule.json", exports.frab_json)
    return HttpResponse(body, content_type="application/json")


@require_GET
@conditional
def program_csv(request, slug):
    body = _export(request, slug, "program.csv", lambda version, **kwargs: exports.program_csv(**kwargs))
    return _attachment(body, "text/csv; charset=utf-8", f"{slug}-program.csv")


# --- the organizer's schedule grid ---------------------------------------------------------


def _organizer_forum(request, slug):
    forum = forum_for_visitor(slug=slug, user=request.user)
    if forum is None:
        raise Http404(_("No such forum edition."))
    return forum


def _render_grid(request, forum, *, failed=None, status=200):
    panels = list(selectors.organizer_panels(forum=forum))
    layout = selectors.grid(forum=forum, panels=panels)
    standing = selectors.current_conflicts(forum=forum, panels=panels)
    forms = {}
    for panel in panels:
        if failed and failed["panel_id"] == panel.pk:
            forms[panel.pk] = failed["form"]
        else:
            forms[panel.pk] = SlotForm(forum=forum, initial=SlotForm.initial_for(panel), prefix=f"p{panel.pk}")
    for panel in panels:
        panel.slot_form = forms[panel.pk]
        panel.slot_minutes = SlotForm.minutes_for(panel)
        panel.standing_conflicts = standing.get(panel.pk, [])
        panel.failed = failed["errors"] if failed and failed["panel_id"] == panel.pk else None
        panel.failed_action = failed["action"] if failed and failed["panel_id"] == panel.pk else None
    changes = ScheduleChange.objects.filter(forum=forum).select_related("actor")[:15]
    context = {
        "forum": forum,
        "grid": layout,
        "panels": panels,
        "placed": [panel for panel in panels if panel.holds_slot],
        "scheduled_count": sum(1 for panel in panels if panel.status == Panel.Status.SCHEDULED),
        "changes": changes,
        "undoable": services.last_undoable_move(forum=forum),
        "failed": failed,
    }
    return render(request, "panels/organizer_schedule.html", context, status=status)


@organizer_required("panels.view_panel")
@require_GET
def organizer_schedule(request, slug):
    return _render_grid(request, _organizer_forum(request, slug))


ACTIONS = {"schedule", "move", "unschedule", "publish", "cancel"}


@organizer_required("panels.change_panel")
@require_POST
def organizer_panel_action(request, slug, panel_id, action):
    if action not in ACTIONS:
        raise Http404(_("Unknown action."))
    forum = _organizer_forum(request, slug)
    panel = get_object_or_404(Panel.objects.select_related("forum", "room"), forum=forum, pk=panel_id)
    form = SlotForm(request.POST, forum=forum, prefix=f"p{panel.pk}")
    try:
        if action in {"schedule", "move"}:
            if not form.is_valid():
                errors = [{"code": "invalid", "message": f"{form.fields[name].label}: {' '.join(errs)}"}
                          for name, errs in form.errors.items()]  # fmt: skip
                failed = {"panel_id": panel.pk, "form": form, "errors": errors, "action": action}
                return _render_grid(request, forum, failed=failed, status=400)
            room_id, start, end = form.slot()
            room = services.room_for(forum=forum, room_id=room_id)
            if action == "move" and panel.status == Panel.Status.PUBLISHED and "notify" not in request.POST:
                return _confirm_public_change(request, forum, panel, action, slot=(room, start, end))
            if action == "move":
                placement = services.move_panel(
                    panel=panel, room=room, start=start, end=end, actor=request.user,
                    notify=request.POST.get("notify", "1") != "0",
                )  # fmt: skip
            else:
                placement = services.schedule_panel(panel=panel, room=room, start=start, end=end, actor=request.user)
            for warning in placement.warnings:
                messages.warning(request, warning["message"])
            done = _("“%(title)s” is now in %(room)s at %(when)s.")
            messages.success(
                request,
                done % {"title": panel.title, "room": room.name, "when": f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}"},
            )
        elif (
            action in {"unschedule", "cancel"}
            and not confirm.is_confirmed(request)
            and (action == "cancel" or panel.status == Panel.Status.PUBLISHED)
        ):
            return _confirm_public_change(request, forum, panel, action)
        elif action == "unschedule":
            services.unschedule_panel(panel=panel, actor=request.user)
            messages.success(request, _("“%(title)s” was taken out of the schedule.") % {"title": panel.title})
        elif action == "publish":
            services.publish_panel(panel=panel, actor=request.user)
            messages.success(request, _("“%(title)s” is now in the public program.") % {"title": panel.title})
        elif action == "cancel":
            services.cancel_panel(panel=panel, actor=request.user)
            messages.success(request, _("“%(title)s” was cancelled.") % {"title": panel.title})
    except PanelError as exc:
        errors = exc.conflicts or [{"message": exc.message}]
        failed = {"panel_id": panel.pk, "form": form, "errors": errors, "action": action}
        return _render_grid(request, forum, failed=failed, status=exc.status)
    return redirect(reverse("panels:organizer-schedule", kwargs={"slug": forum.slug}) + f"#panel-{panel.pk}")


def _confirm_public_change(request, forum, panel, action, slot=None):
    """Before a change people will hear about (or a cancellation): what happens and who is told.
    A published panel's move offers to tell everybody or to move silently, noted in the log."""
    audience = services.change_audience(panel=panel)
    speakers = [p.speaker.full_name for p in panel.participations.select_related("speaker")]
    grid = reverse("panels:organizer-schedule", kwargs={"slug": forum.slug}) + f"#panel-{panel.pk}"
    if action == "move":
        room, start, end = slot
        when = f"{start.astimezone(forum.tz):%d.%m.%Y %H:%M}–{end.astimezone(forum.tz):%H:%M}"
        title = _("Move a published panel")
        lead = _("“%(title)s” moves to %(room)s at %(when)s (%(tz)s).") % {
            "title": panel.title, "room": room.name, "when": when, "tz": forum.timezone,
        }  # fmt: skip
        buttons = [
            ("notify", "1", _("Move and notify"), "primary"),
            ("notify", "0", _("Move silently (draft note)"), "secondary"),
        ]
    else:
        title = _("Cancel the panel") if action == "cancel" else _("Take a published panel out of the schedule")
        lead = (
            _("“%(title)s” will be cancelled and its room freed.")
            if action == "cancel"
            else _("“%(title)s” will leave the public program and become a draft.")
        ) % {"title": panel.title}
        buttons = None
    return confirm.confirmation(
        request,
        title=title,
        lead=lead,
        audience=confirm.audience_text(**audience),
        recipients=speakers,
        action_url=request.path,
        cancel_url=grid,
        buttons=buttons,
        forum=forum,
    )


@organizer_required("panels.change_panel")
@require_POST
def organizer_undo(request, slug):
    """Undo the last move of the schedule; a published panel's way back is announced unless the
    organizer chooses to move it back silently."""
    forum = _organizer_forum(request, slug)
    change = services.last_undoable_move(forum=forum)
    grid = reverse("panels:organizer-schedule", kwargs={"slug": forum.slug})
    if change is None:
        messages.error(request, _("There is no move to undo."))
        return redirect(grid)
    panel = change.panel
    if panel.status == Panel.Status.PUBLISHED and "notify" not in request.POST:
        audience = services.change_audience(panel=panel)
        return confirm.confirmation(
            request,
            title=_("Undo the last move"),
            lead=_("“%(title)s” goes back to %(room)s at %(when)s.")
            % {"title": panel.title, "room": change.before.get("room"), "when": _local(change.before, forum)},
            audience=confirm.audience_text(**audience),
            action_url=request.path,
            cancel_url=grid,
            buttons=[
                ("notify", "1", _("Move back and notify"), "primary"),
                ("notify", "0", _("Move back silently (draft note)"), "secondary"),
            ],
            forum=forum,
        )
    try:
        services.undo_last_move(forum=forum, actor=request.user, notify=request.POST.get("notify", "1") != "0")
    except PanelError as exc:
        messages.error(request, exc.message)
        return redirect(grid)
    messages.success(request, _("“%(title)s” is back where it was.") % {"title": panel.title})
    return redirect(grid + f"#panel-{panel.pk}")


def _local(snapshot, forum):
    import datetime

    start = datetime.datetime.fromisoformat(snapshot["start"]).astimezone(forum.tz)
    end = datetime.datetime.fromisoformat(snapshot["end"]).astimezone(forum.tz)
    return f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}"


@organizer_required("panels.change_panel")
@require_POST
def organizer_publish_all(request, slug):
    forum = _organizer_forum(request, slug)
    try:
        published = services.publish_panels(forum=forum, actor=request.user)
    except PanelError as exc:
        failed = {"panel_id": None, "form": None, "errors": exc.conflicts, "action": "publish"}
        return _render_grid(request, forum, failed=failed, status=exc.status)
    count = len(published)
    messages.success(
        request, ngettext("%(count)s panel published.", "%(count)s panels published.", count) % {"count": count}
    )
    return redirect("panels:organizer-schedule", slug=forum.slug)
