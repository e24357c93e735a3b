"""Writes and business rules for panels: creating them, placing them in the schedule, publishing.

Every operation that takes or changes a slot runs in one transaction that first takes the forum's
scheduling lock (``pg_advisory_xact_lock`` on PostgreSQL, waiting at most ``LOCK_TIMEOUT_MS``;
SQLite's IMMEDIATE transactions already serialize writers), then locks the panel row, then checks
every rule and refuses with all the reasons at once. A PostgreSQL exclusion constraint on (room,
time range) backs the room rule up.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import locks
from core.forms import parse_id
from forum.models import Room, Theme

from . import conflicts as rules
from . import selectors
from .errors import PanelError
from .models import HOLDING_STATUSES, Panel, Participation, ProgramItem, ScheduleChange
from .signals import panel_published, public_panel_changed

# First key of the two-key advisory lock; the second is the forum id. Keeps our locks apart from
# other apps' advisory locks.
SCHEDULE_LOCK_NAMESPACE = 0x50414E  # "PAN"


@dataclass
class Placement:
    """The result of a scheduling operation: the saved panel and any warnings worth showing."""

    panel: Panel
    warnings: list = field(default_factory=list)


# --- helpers -------------------------------------------------------------------------------


def lock_forum_schedule(forum_id):
    """Serialize scheduling within one forum until the transaction ends. The wait is bounded
    (``core.locks``): past ``LOCK_TIMEOUT_MS`` the caller gets ``Busy`` (409), never a hung request."""
    if connection.vendor == "postgresql":
        with locks.busy_as_domain_error():
            locks.bound_waits()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SCHEDULE_LOCK_NAMESPACE, forum_id % 2**31])


def _refuse(reasons, *, status, code):
    messages = [reason.message for reason in reasons]
    raise PanelError(
        " ".join(messages),
        code=code,
        status=status,
        extra={"conflicts": [reason.as_dict() for reason in reasons]},
    )


def _invalid(message, *, code, field_name=None):
    reason = rules.Reason(code, message)
    raise PanelError(
        message,
        code=code,
        status=400,
        fields={field_name: [message]} if field_name else {},
        extra={"conflicts": [reason.as_dict()]},
    )


def _aware(value, forum):
    """Datetimes without an offset are the forum's wall-clock time (what an organizer means)."""
    if value is None:
        return None
    if not isinstance(value, datetime.datetime):
        _invalid(_("Give a date and time."), code="invalid_datetime")
    if timezone.is_naive(value):
        value = value.replace(tzinfo=forum.tz)
    try:
        # Stored in UTC: an offset PostgreSQL cannot hold (beyond ±15:59) is the same instant in UTC.
        return value.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        _invalid(_("Give a date and time."), code="invalid_datetime")


def _snapshot(panel):
    return {
        "status": panel.status,
        "room_id": panel.room_id,
        "room": panel.room.name if panel.room_id else None,
        # Forum-local with the offset: unambiguous, and what the organizers read.
        "start": panel.start.astimezone(panel.forum.tz).isoformat() if panel.start else None,
        "end": panel.end.astimezone(panel.forum.tz).isoformat() if panel.end else None,
        "sequence": panel.sequence,
    }


def _log(*, panel, action, actor, before, after):
    return ScheduleChange.objects.create(
        forum_id=panel.forum_id,
        panel=panel,
        panel_title=panel.title_az or panel.title,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        before=before,
        after=after,
    )


def _locked_panel(panel):
    """Take the forum's scheduling lock, then the panel row, and return its current state."""
    lock_forum_schedule(panel.forum_id)
    return Panel.objects.select_for_update(of=("self",)).select_related("forum", "room", "theme").get(pk=panel.pk)


def _speakers_of(panel):
    return [participation.speaker for participation in panel.participations.select_related("speaker")]


def _clashing_panels(*, panel_id, room, start, end, speaker_ids):
    query = Q(room=room) if room is not None else Q(pk__in=[])
    if speaker_ids:
        query |= Q(participations__speaker_id__in=speaker_ids)
    return list(
        Panel.objects.filter(query, status__in=HOLDING_STATUSES, start__lt=end, end__gt=start)
        .exclude(pk=panel_id)
        .distinct()
        .select_related("room")
        .prefetch_related("participations")
        .order_by("start", "id")
    )


def check_slot(*, panel, room, start, end, speakers=None):
    """Every reason ``panel`` cannot take ``room`` from ``start`` to ``end``, and the warnings.

    Returns ``(status, reasons, warnings)`` where status is 400 for malformed input, 409 for a
    clash with the current schedule, or None when the slot is free.
    """
    forum = panel.forum
    invalid = rules.interval_errors(start=start, end=end, tz=forum.tz)
    if room is not None and room.forum_id != forum.pk:
        invalid.append(
            rules.Reason(
                "room_of_another_forum",
                _("%(room)s belongs to another forum edition.") % {"room": room.name},
            )
        )
    if invalid:
        return 400, invalid, []
    speakers = _speakers_of(panel) if speakers is None else speakers
    speaker_ids = [speaker.pk for speaker in speakers]
    reasons = rules.forum_hours_conflicts(forum=forum, start=start, end=end)
    reasons += rules.clash_conflicts(
        forum=forum,
        panel_id=panel.pk,
        room=room,
        start=start,
        end=end,
        speakers=speakers,
        others=_clashing_panels(panel_id=panel.pk, room=room, start=start, end=end, speaker_ids=speaker_ids),
    )
    if speaker_ids:
        unavailable = selectors.speakers_unavailable(forum=forum, speaker_ids=speaker_ids, start=start, end=end)
        reasons += rules.availability_conflicts(
            forum=forum, speakers=speakers, unavailable_ids=unavailable, start=start, end=end
        )
    warnings = rules.capacity_warnings(capacity=panel.capacity, room=room)
    return (409 if reasons else None), reasons, warnings


def _save_slot(panel, fields):
    """Save, turning the exclusion constraint's last-ditch refusal into a clear 409."""
    try:
        with transaction.atomic():
            panel.save(update_fields=[*fields, "updated_at"])
    except IntegrityError as exc:
        if "panel_room_slot_no_overlap" not in str(exc):
            raise
        _refuse(
            [rules.Reason("room_booked", _("%(room)s was booked for this time a moment ago.") % {"room": panel.room})],
            status=409,
            code="schedule_conflict",
        )


def _announce_public_change(*, panel, change, before, schedule_change):
    """Tell the apps above (``signals.public_panel_changed``) inside the caller's transaction."""
    public_panel_changed.send(sender=Panel, panel=panel, change=change, before=before, schedule_change=schedule_change)


def _public_slot(panel):
    """What the speakers last saw of a published panel, captured before the change."""
    when = rules.local_when(panel.start, panel.end, panel.forum.tz) if panel.start else None
    return {"when": when, "room": panel.room if panel.room_id else None}


# --- creating panels and their speakers ----------------------------------------------------


def _translated(field_name, values):
    if isinstance(values, str):
        values = {settings.LANGUAGE_CODE: values}
    if not isinstance(values, dict):
        _invalid(_("Give the %(field)s as text.") % {"field": field_name}, code="invalid", field_name=field_name)
    unknown = set(values) - set(settings.LANGUAGE_CODES)
    if unknown:
        _invalid(
            _("Unknown language: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
            code="unknown_language",
            field_name=field_name,
        )
    return {f"{field_name}_{lang}": value for lang, value in values.items()}


@transaction.atomic
def create_panel(
    *,
    forum,
    title,
    description="",
    theme=None,
    format=Panel.Format.PANEL,
    language=None,
    interpretation=False,
    capacity=None,
    room=None,
    planned_minutes=None,
    actor=None,
):
    """A new draft panel (not in the schedule yet). ``title``/``description``: text or {lang: text}.
    ``planned_minutes`` is its length for a proposed schedule while it has no time."""
    if theme is not None and theme.forum_id != forum.pk:
        _invalid(_("This theme belongs to another forum edition."), code="theme_of_another_forum", field_name="theme")
    if room is not None and room.forum_id != forum.pk:
        _invalid(_("This room belongs to another forum edition."), code="room_of_another_forum", field_name="room")
    titles = _translated("title", title)
    if not (titles.get(f"title_{settings.LANGUAGE_CODE}") or "").strip():
        _invalid(
            _("Give the title in Azerbaijani (other languages fall back to it)."),
            code="title_required",
            field_name="title",
        )
    panel = Panel(
        forum=forum,
        # The untranslated column keeps the default-language text (the constructor sets only it).
        title=titles.get(f"title_{settings.LANGUAGE_CODE}") or next((v for v in titles.values() if v), ""),
        theme=theme,
        format=format,
        language=language or settings.LANGUAGE_CODE,
        interpretation=interpretation,
        capacity=capacity,
        room=room,
        planned_minutes=planned_minutes,
        status=Panel.Status.DRAFT,
    )
    for attr, value in {**titles, **_translated("description", description or "")}.items():
        setattr(panel, attr, value)
    try:
        panel.full_clean()
    except ValidationError as exc:
        fields = {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
        message = next(iter(fields.values()))[0]
        raise PanelError(message, code="invalid", status=400, fields=fields) from exc
    panel.save()
    _log(panel=panel, action=ScheduleChange.Action.CREATED, actor=actor, before={}, after=_snapshot(panel))
    return panel


PANEL_EDITABLE = {"theme", "format", "language", "interpretation", "capacity"}


@transaction.atomic
def update_panel(*, panel, title=None, description=None, actor=None, **fields):
    """Change a panel's texts and details (not its place in the schedule: see move_panel).
    ``title``/``description``: text (Azerbaijani) or {lang: text}."""
    unknown = set(fields) - PANEL_EDITABLE
    if unknown:
        _invalid(_("Unknown field: %(names)s.") % {"names": ", ".join(sorted(unknown))}, code="unknown_field")
    panel = _locked_panel(panel)
    theme = fields.get("theme")
    if theme is not None and theme.forum_id != panel.forum_id:
        _invalid(_("This theme belongs to another forum edition."), code="theme_of_another_forum", field_name="theme")
    before = _snapshot(panel)
    for attr, value in fields.items():
        setattr(panel, attr, value)
    if title is not None:
        titles = _translated("title", title)
        if f"title_{settings.LANGUAGE_CODE}" in titles and not titles[f"title_{settings.LANGUAGE_CODE}"].strip():
            _invalid(
                _("Give the title in Azerbaijani (other languages fall back to it)."),
                code="title_required",
                field_name="title",
            )
        for attr, value in titles.items():
            setattr(panel, attr, value or "")
    if description is not None:
        for attr, value in _translated("description", description).items():
            setattr(panel, attr, value or "")
    try:
        panel.full_clean()
    except ValidationError as exc:
        fields = {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
        raise PanelError(next(iter(fields.values()))[0], code="invalid", status=400, fields=fields) from exc
    panel.save()
    _log(panel=panel, action=ScheduleChange.Action.UPDATED, actor=actor, before=before, after=_snapshot(panel))
    return panel


@transaction.atomic
def add_participant(*, panel, speaker, role=Participation.Role.PANELIST, order=None, actor=None):
    """Put a speaker on a panel; refused if the panel's slot clashes with the speaker's day."""
    if role not in Participation.Role.values:
        _invalid(_("Unknown role %(role)s.") % {"role": role}, code="unknown_role", field_name="role")
    panel = _locked_panel(panel)
    if panel.participations.filter(speaker=speaker).exists():
        _refuse(
            [
                rules.Reason(
                    "already_on_panel",
                    _("%(speaker)s is already on this panel.") % {"speaker": speaker.display_name},
                    speaker=speaker.pk,
                )
            ],
            status=409,
            code="already_on_panel",
        )
    if panel.holds_slot:
        others = _clashing_panels(
            panel_id=panel.pk, room=None, start=panel.start, end=panel.end, speaker_ids=[speaker.pk]
        )
        reasons = rules.clash_conflicts(
            forum=panel.forum, panel_id=panel.pk, room=None, start=panel.start, end=panel.end,
            speakers=[speaker], others=others,
        )  # fmt: skip
        unavailable = selectors.speakers_unavailable(
            forum=panel.forum, speaker_ids=[speaker.pk], start=panel.start, end=panel.end
        )
        reasons += rules.availability_conflicts(
            forum=panel.forum, speakers=[speaker], unavailable_ids=unavailable, start=panel.start, end=panel.end
        )
        if reasons:
            _refuse(reasons, status=409, code="schedule_conflict")
    if order is None:
        order = panel.participations.count()
    participation = Participation.objects.create(panel=panel, speaker=speaker, role=role, order=order)
    panel.save(update_fields=["updated_at"])
    _log(
        panel=panel,
        action=ScheduleChange.Action.SPEAKER_ADDED,
        actor=actor,
        before={},
        after={"speaker_id": speaker.pk, "speaker": speaker.full_name, "role": role},
    )
    return participation


@transaction.atomic
def remove_participant(*, panel, speaker, actor=None):
    panel = _locked_panel(panel)
    deleted, _count = panel.participations.filter(speaker=speaker).delete()
    if not deleted:
        _invalid(_("%(speaker)s is not on this panel.") % {"speaker": speaker.display_name}, code="not_on_panel")
    panel.save(update_fields=["updated_at"])
    _log(
        panel=panel,
        action=ScheduleChange.Action.SPEAKER_REMOVED,
        actor=actor,
        before={"speaker_id": speaker.pk, "speaker": speaker.full_name},
        after={},
    )
    return panel


# --- placing panels in the schedule --------------------------------------------------------


def _place(*, panel, room, start, end, actor, action, allowed_statuses, new_status=None, notify=True, extra=None):
    forum = panel.forum
    start, end = _aware(start, forum), _aware(end, forum)
    if room is None:
        _invalid(_("Choose a room."), code="room_required", field_name="room")
    if not isinstance(room, Room):
        _invalid(_("Unknown room."), code="unknown_room", field_name="room")
    panel = _locked_panel(panel)
    if panel.status not in allowed_statuses:
        _refuse(
            [
                rules.Reason(
                    "wrong_status",
                    _("“%(title)s” is already published; move it instead.") % {"title": panel.title}
                    if panel.status == Panel.Status.PUBLISHED
                    else _("“%(title)s” is not in the schedule; schedule it first.") % {"title": panel.title},
                )
            ],
            status=409,
            code="wrong_status",
        )
    status, reasons, warnings = check_slot(panel=panel, room=room, start=start, end=end)
    if status:
        _refuse(reasons, status=status, code="invalid_slot" if status == 400 else "schedule_conflict")
    if panel.room_id == room.pk and panel.start == start and panel.end == end and panel.holds_slot:
        return Placement(panel=panel, warnings=[w.as_dict() for w in warnings])  # nothing changes
    before = _snapshot(panel)
    was_public = panel.status == Panel.Status.PUBLISHED
    public_before = _public_slot(panel)
    panel.room, panel.start, panel.end = room, start, end
    panel.status = new_status or (panel.status if panel.status in HOLDING_STATUSES else Panel.Status.SCHEDULED)
    panel.sequence += 1
    _save_slot(panel, ["room", "start", "end", "status", "sequence"])
    after = _snapshot(panel)
    if was_public and not notify:
        # Nobody is told now; the log keeps a note so the organizers know who was not.
        after["silent"] = True
    after.update(extra or {})
    logged = _log(panel=panel, action=action, actor=actor, before=before, after=after)
    if was_public and notify:
        _announce_public_change(panel=panel, change="moved", before=public_before, schedule_change=logged)
    return Placement(panel=panel, warnings=[w.as_dict() for w in warnings])


@transaction.atomic
def schedule_panel(*, panel, room, start, end, actor=None):
    """Give an unscheduled (draft or cancelled) panel a room and a time; it becomes 'scheduled'."""
    return _place(
        panel=panel,
        room=room,
        start=start,
        end=end,
        actor=actor,
        action=ScheduleChange.Action.SCHEDULED,
        allowed_statuses={Panel.Status.DRAFT, Panel.Status.CANCELLED, Panel.Status.SCHEDULED},
        new_status=Panel.Status.SCHEDULED,
    )


@transaction.atomic
def move_panel(*, panel, start, end, room=None, actor=None, notify=True, extra=None):
    """Move a scheduled or published panel. Speakers and attendees of a published one are told,
    unless ``notify`` is false: then the move is only noted in the change log as silent."""
    room = room if room is not None else panel.room
    return _place(
        panel=panel,
        room=room,
        start=start,
        end=end,
        actor=actor,
        action=ScheduleChange.Action.MOVED,
        allowed_statuses=set(HOLDING_STATUSES),
        notify=notify,
        extra=extra,
    )


def last_undoable_move(*, forum):
    """The forum's latest schedule change when it is a move whose panel still sits where the move
    put it (so moving it back is safe); else None."""
    change = ScheduleChange.objects.filter(forum=forum).select_related("panel__forum", "panel__room").first()
    if change is None or change.action != ScheduleChange.Action.MOVED or change.panel is None:
        return None
    if change.after.get("undo_of") or not change.before.get("start"):
        return None
    panel = change.panel
    if panel.status not in HOLDING_STATUSES or _snapshot(panel)["start"] != change.after.get("start"):
        return None
    if panel.room_id != change.after.get("room_id"):
        return None
    return change


@transaction.atomic
def undo_last_move(*, forum, actor=None, notify=True):
    """Put the panel of the forum's last move back where it was (a move like any other: checked
    against the current schedule, and announced when the panel is public and ``notify``)."""
    lock_forum_schedule(forum.pk)
    change = last_undoable_move(forum=forum)
    if change is None:
        _invalid(_("There is no move to undo."), code="nothing_to_undo")
    room = Room.objects.filter(forum=forum, pk=change.before.get("room_id")).first()
    if room is None:
        _invalid(_("The room of the earlier place no longer exists."), code="nothing_to_undo")
    start = datetime.datetime.fromisoformat(change.before["start"])
    end = datetime.datetime.fromisoformat(change.before["end"])
    return move_panel(
        panel=change.panel, room=room, start=start, end=end, actor=actor, notify=notify, extra={"undo_of": change.pk}
    )


def change_audience(*, panel):
    """Who hears about a change to this panel: {"speakers": n, "attendees": n}. Nobody while the
    panel is not public. Other apps add their people through the ``change_audience`` signal."""
    from .signals import change_audience as audience_signal

    counts = {"speakers": 0, "attendees": 0}
    if panel.status != Panel.Status.PUBLISHED:
        return counts
    counts["speakers"] = panel.participations.count()
    for _receiver, answer in audience_signal.send(sender=Panel, panel=panel):
        for key, value in (answer or {}).items():
            counts[key] = counts.get(key, 0) + value
    return counts


@transaction.atomic
def unschedule_panel(*, panel, actor=None):
    """Take a panel out of the schedule (it keeps its room as a preference and becomes a draft)."""
    panel = _locked_panel(panel)
    if not panel.holds_slot:
        return panel
    before = _snapshot(panel)
    was_public = panel.status == Panel.Status.PUBLISHED
    public_before = _public_slot(panel)
    panel.start = panel.end = None
    panel.status = Panel.Status.DRAFT
    panel.sequence += 1
    panel.save(update_fields=["start", "end", "status", "sequence", "updated_at"])
    logged = _log(
        panel=panel, action=ScheduleChange.Action.UNSCHEDULED, actor=actor, before=before, after=_snapshot(panel)
    )
    if was_public:
        _announce_public_change(panel=panel, change="unscheduled", before=public_before, schedule_change=logged)
    return panel


def _publish_locked(panel, actor):
    if panel.status == Panel.Status.PUBLISHED:
        return []
    if panel.status != Panel.Status.SCHEDULED:
        return [
            rules.Reason(
                "not_scheduled",
                _("“%(title)s” has no room and time yet; schedule it before publishing.") % {"title": panel.title},
                panel=panel.pk,
            )
        ]
    status, reasons, _warnings = check_slot(panel=panel, room=panel.room, start=panel.start, end=panel.end)
    if status:
        return [rules.Reason(r.code, r.message, panel=r.panel or panel.pk, speaker=r.speaker) for r in reasons]
    before = _snapshot(panel)
    panel.status = Panel.Status.PUBLISHED
    if panel.published_at is None:
        panel.published_at = timezone.now()
    panel.save(update_fields=["status", "published_at", "updated_at"])
    _log(panel=panel, action=ScheduleChange.Action.PUBLISHED, actor=actor, before=before, after=_snapshot(panel))
    # The speakers learn their time when the public does (and again after an unscheduling).
    panel_published.send(sender=Panel, panel=panel)
    return []


@transaction.atomic
def publish_panel(*, panel, actor=None):
    """Show a scheduled panel in the public program (rules are checked again first)."""
    panel = _locked_panel(panel)
    reasons = _publish_locked(panel, actor)
    if reasons:
        _refuse(reasons, status=409, code="cannot_publish")
    return panel


@transaction.atomic
def publish_panels(*, forum, panel_ids=None, actor=None):
    """Publish every scheduled panel of a forum (or those listed): all of them, or none."""
    lock_forum_schedule(forum.pk)
    panels = Panel.objects.select_for_update(of=("self",)).select_related("forum", "room", "theme").filter(forum=forum)
    panels = panels.filter(status=Panel.Status.SCHEDULED) if panel_ids is None else panels.filter(pk__in=panel_ids)
    panels = list(panels.order_by("start", "id"))
    reasons = []
    for panel in panels:
        reasons += _publish_locked(panel, actor)
    if reasons:
        _refuse(reasons, status=409, code="cannot_publish")
    return panels


@transaction.atomic
def cancel_panel(*, panel, actor=None):
    """Cancel a panel; it frees its room. If the public saw it, the program shows it as cancelled
    and its speakers are told."""
    panel = _locked_panel(panel)
    if panel.status == Panel.Status.CANCELLED:
        return panel
    before = _snapshot(panel)
    was_public = panel.status == Panel.Status.PUBLISHED
    public_before = _public_slot(panel)
    panel.status = Panel.Status.CANCELLED
    panel.sequence += 1
    panel.save(update_fields=["status", "sequence", "updated_at"])
    logged = _log(
        panel=panel, action=ScheduleChange.Action.CANCELLED, actor=actor, before=before, after=_snapshot(panel)
    )
    if was_public:
        _announce_public_change(panel=panel, change="cancelled", before=public_before, schedule_change=logged)
    return panel


# --- copying an edition --------------------------------------------------------------------


def copy_panels_to_new_edition(*, source, target, delta, room_map, theme_map):
    """On ``forum.signals.forum_copied`` (see ``receivers``): last edition's panels become next edition's drafts,
    with the same titles, rooms and themes, and no time (speakers are invited afresh)."""
    panels = source.panels.exclude(status=Panel.Status.CANCELLED).order_by("start", "id")
    for panel in panels:
        copy = Panel(
            forum=target,
            theme=theme_map.get(panel.theme_id) if panel.theme_id else None,
            room=room_map.get(panel.room_id) if panel.room_id else None,
            format=panel.format,
            language=panel.language,
            interpretation=panel.interpretation,
            capacity=panel.capacity,
            status=Panel.Status.DRAFT,
        )
        for lang in settings.LANGUAGE_CODES:
            for field_name in ("title", "description"):
                setattr(copy, f"{field_name}_{lang}", getattr(panel, f"{field_name}_{lang}"))
        copy.save()
        _log(
            panel=copy,
            action=ScheduleChange.Action.COPIED,
            actor=None,
            before={"forum": source.slug, "panel_id": panel.pk},
            after=_snapshot(copy),
        )


def _missing(message, *, code, field_name):
    """A reference to a record that does not exist (here): the request is well formed and names
    something missing, a 404 like an unknown id in a path (api/exceptions.py)."""
    raise PanelError(message, code=code, status=404, fields={field_name: [message]})


def theme_for(*, forum, theme_id):
    """A theme of this forum by id, or a 404."""
    theme = Theme.objects.filter(forum=forum, pk=theme_id).first()
    if theme is None:
        _missing(_("Unknown theme for this forum."), code="unknown_theme", field_name="theme")
    return theme


def room_for(*, forum, room_id):
    """A room of this forum by id, or a 404 (no such room) or 400 (another forum's room)."""
    room_id = parse_id(room_id)  # plain ASCII digits only (core/forms.py)
    room = Room.objects.filter(pk=room_id).first() if room_id is not None else None
    if room is None:
        _missing(_("Unknown room."), code="unknown_room", field_name="room")
    if room.forum_id != forum.pk:
        _invalid(
            _("%(room)s belongs to another forum edition.") % {"room": room.name},
            code="room_of_another_forum",
            field_name="room",
        )
    return room


# --- program items (breaks, lunch, ceremonies) -----------------------------------------------


def _check_item_slot(*, forum, kind, room, start, end):
    if kind not in ProgramItem.Kind.values:
        _invalid(_("Choose a kind of program item."), code="invalid_kind", field_name="kind")
    start, end = _aware(start, forum), _aware(end, forum)
    # A break may be shorter than a panel: only the order of start and end is checked.
    reasons = [reason for reason in rules.interval_errors(start=start, end=end) if reason.code != "too_short"]
    if room is not None and room.forum_id != forum.pk:
        reasons.append(rules.Reason("room_of_another_forum", _("This room belongs to another forum edition.")))
    if not reasons:
        # Items have no speakers and hold no room: only the forum's days and hours bind them.
        reasons = rules.forum_hours_conflicts(forum=forum, start=start, end=end)
    if reasons:
        _refuse(reasons, status=400, code="invalid_slot")
    return start, end


def _item_title(title):
    titles = _translated("title", title)
    default = (titles.get(f"title_{settings.LANGUAGE_CODE}") or "").strip()
    if not default:
        _invalid(
            _("Give the title in Azerbaijani (other languages fall back to it)."),
            code="title_required",
            field_name="title",
        )
    return default, titles


@transaction.atomic
def place_program_item(*, forum, kind, title, start, end, room=None):
    """A break, lunch, registration desk, networking slot or ceremony in the program; ``room`` None
    means across all rooms. ``title``: text or {lang: text}. Never a speaker clash: it has none."""
    lock_forum_schedule(forum.pk)
    start, end = _check_item_slot(forum=forum, kind=kind, room=room, start=start, end=end)
    default, titles = _item_title(title)
    item = ProgramItem(forum=forum, kind=kind, title=default, room=room, start=start, end=end)
    for attr, value in titles.items():
        setattr(item, attr, value)
    item.save()
    return item


@transaction.atomic
def move_program_item(*, item, start, end, room=None, kind=None, title=None):
    """Give an item a new time and room (None: across all rooms), and optionally a new kind or title."""
    lock_forum_schedule(item.forum_id)
    item = ProgramItem.objects.select_for_update(of=("self",)).select_related("forum").get(pk=item.pk)
    kind = kind or item.kind
    item.start, item.end = _check_item_slot(forum=item.forum, kind=kind, room=room, start=start, end=end)
    item.room, item.kind = room, kind
    if title is not None:
        default, titles = _item_title(title)
        item.title = default
        for attr, value in titles.items():
            setattr(item, attr, value)
    item.save()
    return item


@transaction.atomic
def remove_program_item(*, item):
    """Take an item out of the program (the deletion moves the program's stamp, see signals)."""
    lock_forum_schedule(item.forum_id)
    ProgramItem.objects.filter(pk=item.pk).delete()
