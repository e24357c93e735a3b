"""Pages: the organizer's schedule grid, the public program, a panel's page, and the exports."""

import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_GET, require_POST

from core.decorators import organizer_required
from core.permissions import sees_drafts
from forum import confirm
from forum.selectors import forum_for_visitor

from . import agenda, caching, exports, printable, selectors, services, timetable
from .entry_html import EntryWriter
from .errors import PanelError
from .forms import ProgramFilterForm, ProgramItemForm, SlotForm
from .models import InfoPage, Panel, ProgramItem, ScheduleChange

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


def _clock(request, slug):
    return timetable.in_progress(forum=_forum(request, slug), now=timezone.now())


def _public_last_modified(request, slug, **kwargs):
    """As ``_last_modified``, but None (no conditional answer on a date) for an attendee with an
    agenda, whose stars change without the program's stamp moving, and while the forum runs, when
    the page follows the clock."""
    if agenda.may_have_agenda(request=request, forum=_forum(request, slug)) or _clock(request, slug):
        return None
    return _last_modified(request, slug)


def _etag(request, slug, **kwargs):
    """Changes with the data, the language, the filters and whether the visitor sees drafts."""
    stamp = _last_modified(request, slug)
    key = f"{stamp.isoformat()}|{get_language()}|{request.get_full_path()}|{sees_drafts(request.user)}"
    return hashlib.sha256(key.encode()).hexdigest()[:40]


def _public_etag(request, slug, **kwargs):
    """``_etag`` and the clock while the forum runs (the program's opening day and its "now and
    next" follow it); none for an attendee with an agenda."""
    if agenda.may_have_agenda(request=request, forum=_forum(request, slug)):
        return None
    clock = _clock(request, slug)
    return (
        _etag(request, slug)
        if not clock
        else hashlib.sha256(f"{_etag(request, slug)}|{clock}".encode()).hexdigest()[:40]
    )


conditional = condition(etag_func=_etag, last_modified_func=_last_modified)
# The program and panel pages, which carry an attendee's stars.
personal_conditional = condition(etag_func=_public_etag, last_modified_func=_public_last_modified)


# --- public pages --------------------------------------------------------------------------


PROGRAM_FILTERS = tuple(ProgramFilterForm.base_fields)


def _tab_url(params, day):
    kept = [(name, params[name]) for name in PROGRAM_FILTERS if name != "day" and params.get(name)]
    return "?" + urlencode([*kept, ("day", day.isoformat())])


def _program_context(forum, params, now):
    """Everything the program's content shows for the query ``params`` at ``now``: one day of the
    timetable (grid on wide screens, list on phones), the day tabs with their counts, the legend,
    what is on now and next, and notices for filter values that were ignored."""
    themes, rooms = list(forum.themes.all()), list(forum.rooms.all())
    form = ProgramFilterForm(params, forum=forum, themes=themes, rooms=rooms)
    filters, ignored = form.lenient()
    chosen_day = filters.pop("day")
    # The tabs count every day; only the day shown (and today, for "now and next") is loaded.
    day_counts = timetable.day_counts(forum=forum, starts=selectors.public_panel_starts(forum=forum, **filters))
    searching = any(filters.values())
    today = now.astimezone(forum.tz).date()
    day = chosen_day or timetable.default_day(forum=forum, day_counts=day_counts, today=today, searching=searching)
    moves = selectors.latest_moves(forum=forum, rooms=rooms)
    entries = []
    loaded_days = [day] + ([today] if today in forum.days and today != day else [])
    for loaded_day in loaded_days:
        panels = list(selectors.public_panels(forum=forum, day=loaded_day, **filters))
        items = list(selectors.program_items(forum=forum, day=loaded_day, room=filters["room"]))
        entries += timetable.entries(forum=forum, panels=panels, items=items, moves=moves)
    for tab in day_counts:
        tab["url"] = _tab_url(params, tab["day"])
        tab["current"] = tab["day"] == day
    shown_rooms = [room for room in rooms if room.pk == filters["room"]] if filters["room"] else rooms
    layout = timetable.grid(
        forum=forum, rooms=shown_rooms, day_entries=[entry for entry in entries if entry.start.date() == day]
    )
    marks = timetable.theme_marks(themes)
    for entry in entries:
        entry.mark = marks.get(getattr(entry.obj, "theme_id", None), "")
    clean = ProgramFilterForm(
        initial={name: value for name, value in form.cleaned_data.items() if value}, forum=forum, themes=themes,
        rooms=rooms,
    )  # fmt: skip
    return {
        "forum": forum,
        "form": clean,
        "day": day,
        "days": day_counts,
        "layout": layout,
        "count": sum(1 for entry in layout["entries"] if not entry.is_item),
        "total": sum(tab["count"] for tab in day_counts),
        "filtered": searching,
        "ignored": ignored,
        "legend": [{"theme": theme, "mark": marks[theme.pk]} for theme in themes],
        "strip": timetable.now_and_next(forum=forum, all_entries=entries, now=now),
        "change_count": selectors.public_schedule_change_count(forum=forum),
    }


def _program_content(forum, params, now, personal=None):
    # Rendered without the request on purpose: base.html's language switcher carries a CSRF token
    # and the navigation depends on the visitor, so the whole page must never be cached. This
    # fragment (heading, filters, export links, the timetable) depends only on the forum's data,
    # the language, the query and the clock while the forum runs (``timetable.in_progress``), and
    # cannot reach the token, the user or the messages.
    # ``personal`` (an attendee's stars and the CSRF token they post with) is given only for a
    # copy that is never cached.
    context = _program_context(forum, params, now)
    if personal:
        context.update(personal)
    else:
        # The shared copy's entries, written in Python (panels/entry_html.py): same markup, a
        # fraction of the template engine's time on a large program.
        write = EntryWriter(forum)
        context["entries_html"] = mark_safe("".join(write(entry) for entry in context["layout"]["entries"]))  # noqa: S308
    return render_to_string("panels/_program_content.html", context)


@require_GET
@personal_conditional
def program(request, slug):
    forum = _forum(request, slug)
    now = timezone.now()
    # The query as the form reads it (the last value of each, unknown parameters ignored), so
    # ?theme=x&utm=y and ?theme=x share a copy. Invalid values are ignored with a notice, never a 400.
    query = [(name, request.GET.get(name, "")) for name in PROGRAM_FILTERS]
    query.append(("clock", timetable.in_progress(forum=forum, now=now)))
    personal = _personal(request, forum)
    if personal:
        # An attendee's stars are theirs alone: their copy is rendered for them and never stored.
        content = _program_content(forum, request.GET, now, personal=personal)
        response = render(request, "panels/program.html", {"forum": forum, "content": mark_safe(content)})  # noqa: S308
        return _not_shared(response)
    key, content = caching.lookup(
        user=request.user, kind="program", forum=forum, stamp=_last_modified(request, slug), query=query
    )
    if content is None:
        content = _program_content(forum, request.GET, now)
        caching.store(key, str(content))
    return render(request, "panels/program.html", {"forum": forum, "content": mark_safe(content)})  # noqa: S308 - rendered by us


def _personal(request, forum):
    """The visitor's agenda as the templates use it, or None."""
    found = agenda.agenda_for(request=request, forum=forum)
    if found is None:
        return None
    return {"agenda": found, "csrf_token": get_token(request), "here": request.get_full_path()}


def _not_shared(response):
    # Personal: no shared cache may keep it, and it must not answer another visitor's ETag.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@personal_conditional
def panel_detail(request, slug, panel_id):
    forum = _forum(request, slug)
    panel = selectors.public_panel(forum=forum, panel_id=panel_id, user=request.user)
    if panel is None:
        raise Http404(_("No such panel in the program."))
    changes = selectors.public_schedule_changes(forum=forum, panel=panel) if panel.is_public else []
    context = {"forum": forum, "panel": panel, "changes": changes}
    personal = _personal(request, forum) if panel.is_public else None
    if personal:
        context.update(personal)
    response = render(request, "panels/panel_detail.html", context)
    return _not_shared(response) if personal else response


@require_GET
def info_page(request, slug, kind):
    """Terms of participation, privacy notice, contact, venue and directions of an edition."""
    if kind not in InfoPage.Kind.values:
        raise Http404(_("No such page."))
    forum = _forum(request, slug)
    page = selectors.info_page(forum=forum, kind=kind)
    context = {"forum": forum, "page": page, "kind": kind, "heading": InfoPage.Kind(kind).label}
    return render(request, "panels/info_page.html", context)


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
    """The body of export ``kind``: ``build(forum=, panels=, items=, version=)`` on a miss, cached after.
    Exports never show drafts; organizers bypass the cache all the same (see panels.caching)."""
    forum = _forum(request, slug)
    stamp = _last_modified(request, slug)
    version = stamp.strftime("%Y-%m-%d %H:%M:%S")
    body = caching.cached(
        user=request.user,
        kind=kind,
        forum=forum,
        stamp=stamp,
        build=lambda: build(
            forum=forum,
            panels=selectors.public_panels(forum=forum),
            items=selectors.program_items(forum=forum),
            version=version,
        ),
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
def program_pdf(request, slug):
    """The printable program in the visitor's language, built once per version and language."""
    body = _export(request, slug, "program.pdf", printable.program_pdf)
    return _attachment(body, "application/pdf", f"{slug}-program-{get_language()}.pdf", inline=True)


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


def _render_grid(request, forum, *, failed=None, status=200, item_failed=None):
    panels = list(selectors.organizer_panels(forum=forum))
    items = list(selectors.program_items(forum=forum))
    layout = selectors.grid(forum=forum, panels=panels, items=items)
    for item in items:
        if item_failed and item_failed["item_id"] == item.pk:
            item.form, item.failed = item_failed["form"], item_failed["errors"]
        else:
            initial = ProgramItemForm.initial_for(item)
            item.form, item.failed = ProgramItemForm(forum=forum, initial=initial, prefix=f"i{item.pk}"), None
    new_failed = item_failed if item_failed and item_failed["item_id"] is None else None
    new_item_form = new_failed["form"] if new_failed else ProgramItemForm(forum=forum, prefix="new")
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
        "items": items,
        "new_item_form": new_item_form,
        "new_item_failed": new_failed["errors"] if new_failed else None,
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
    speakers = [p.speaker.display_name for p in panel.participations.select_related("speaker")]
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


def _form_errors(form):
    return [{"message": f"{form.fields[name].label}: {' '.join(errs)}" if name in form.fields else " ".join(errs)}
            for name, errs in form.errors.items()]  # fmt: skip


@organizer_required("panels.add_programitem")
@require_POST
def organizer_item_add(request, slug):
    """Place a break, lunch or ceremony from the grid page's form."""
    forum = _organizer_forum(request, slug)
    form = ProgramItemForm(request.POST, forum=forum, prefix="new")
    try:
        if not form.is_valid():
            raise PanelError(_("Check the program item's fields."), code="invalid", status=400)
        data = form.item()
        room_id = data.pop("room_id")
        room = services.room_for(forum=forum, room_id=room_id) if room_id else None
        item = services.place_program_item(forum=forum, room=room, **data)
    except PanelError as exc:
        errors = _form_errors(form) or exc.conflicts or [{"message": exc.message}]
        return _render_grid(request, forum, item_failed={"item_id": None, "form": form, "errors": errors},
                            status=exc.status)  # fmt: skip
    messages.success(request, _("“%(title)s” is now in the program.") % {"title": item.title})
    return redirect(reverse("panels:organizer-schedule", kwargs={"slug": forum.slug}) + f"#item-{item.pk}")


@organizer_required("panels.change_programitem")
@require_POST
def organizer_item_action(request, slug, item_id, action):
    """Move a program item (new day, times, room, kind or title) or remove it (confirmed)."""
    if action not in {"move", "remove"}:
        raise Http404(_("Unknown action."))
    forum = _organizer_forum(request, slug)
    item = get_object_or_404(ProgramItem.objects.select_related("forum"), forum=forum, pk=item_id)
    form = ProgramItemForm(request.POST, forum=forum, prefix=f"i{item.pk}")
    try:
        if action == "remove":
            if request.POST.get("confirm") != "yes":
                raise PanelError(_("Tick the box to confirm the removal."), code="unconfirmed", status=400)
            services.remove_program_item(item=item)
            messages.success(request, _("“%(title)s” was taken out of the program.") % {"title": item.title})
            return redirect("panels:organizer-schedule", slug=forum.slug)
        if not form.is_valid():
            raise PanelError(_("Check the program item's fields."), code="invalid", status=400)
        data = form.item()
        room_id = data.pop("room_id")
        room = services.room_for(forum=forum, room_id=room_id) if room_id else None
        item = services.move_program_item(item=item, room=room, **data)
    except PanelError as exc:
        errors = (
            (_form_errors(form) if form.is_bound and form.errors else []) or exc.conflicts or [{"message": exc.message}]
        )
        return _render_grid(request, forum, item_failed={"item_id": item.pk, "form": form, "errors": errors},
                            status=exc.status)  # fmt: skip
    messages.success(request, _("“%(title)s” was moved.") % {"title": item.title})
    return redirect(reverse("panels:organizer-schedule", kwargs={"slug": forum.slug}) + f"#item-{item.pk}")


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
