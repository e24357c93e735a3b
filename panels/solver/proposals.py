"""Proposals: start one, run it (from the Celery task), accept all or some of it, or discard it.

Accepting goes through the ordinary scheduling service, one panel at a time, inside one
transaction: the forum's scheduling lock, every rule checked again, the change log written. A
proposal whose panels changed since it was made is refused with the panels and why.
"""

import datetime
import logging
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum.models import Room, Theme

from .. import services
from ..errors import PanelError
from ..models import HOLDING_STATUSES, Panel, ScheduleProposal
from ..selectors import schedule_last_modified
from . import explain, model, problem, score
from .params import SolverParams

logger = logging.getLogger(__name__)

PROGRESS_EVERY_SECONDS = 1.0


def _refuse(message, *, code, status=409, conflicts=(), fields=None):
    raise PanelError(message, code=code, status=status, fields=fields or {}, extra={"conflicts": list(conflicts)})


def start_proposal(*, forum, params=None, actor=None):
    """Record a proposal for ``forum`` with ``params`` (see ``SolverParams``) and hand it to the
    workers once the transaction commits. Returns the queued proposal."""
    settings_ = SolverParams.from_json(params)
    if settings_.theme is not None and not Theme.objects.filter(forum=forum, pk=settings_.theme).exists():
        message = _("Unknown theme for this forum.")
        # Names a theme this edition does not have: a 404, as any reference to a missing record.
        _refuse(message, code="unknown_theme", status=404, fields={"theme": [message]})
    if settings_.day is not None and settings_.day not in forum.days:
        # A well-formed date outside the edition's days conflicts with the edition as it is.
        message = _("Choose one of the forum's days.")
        _refuse(message, code="unknown_day", status=409, fields={"day": [message]})
    with transaction.atomic():
        proposal = ScheduleProposal.objects.create(
            forum=forum,
            params=settings_.as_json(),
            created_by=actor if actor is not None and actor.is_authenticated else None,
            base_version=schedule_last_modified(forum=forum).isoformat(),
        )
        transaction.on_commit(lambda: dispatch(proposal_id=proposal.pk))
    return proposal


def dispatch(*, proposal_id):
    """Send the proposal to the workers; never raises into the request. A proposal the broker did
    not take stays queued and says so on its page, where it can be started again."""
    from ..tasks import run_schedule_proposal

    try:
        run_schedule_proposal.delay(proposal_id)
    except Exception:  # broker unreachable; eagerly, a failure is recorded on the proposal itself
        logger.warning("Could not dispatch schedule proposal %s", proposal_id, exc_info=True)
        return False
    return True


def _set(proposal_id, **fields):
    ScheduleProposal.objects.filter(pk=proposal_id).update(**fields)


def _claim(proposal_id):
    """Mark the proposal running; None when it is already finished (a redelivered task)."""
    with transaction.atomic():
        proposal = ScheduleProposal.objects.select_for_update().select_related("forum").filter(pk=proposal_id).first()
        if proposal is None or proposal.is_finished:
            return None
        proposal.status = ScheduleProposal.Status.RUNNING
        proposal.progress = 1
        proposal.save(update_fields=["status", "progress"])
    return proposal


def compute(*, forum, params, on_progress=None, blocked=None):
    """Solve ``forum`` with ``params`` and return the result dict a proposal stores (no writes)."""
    report = on_progress or (lambda fraction: None)
    report(0.02)
    loaded = problem.load(forum=forum, params=params, blocked=blocked)
    report(0.08)
    solution = model.solve(loaded, on_progress=lambda fraction: report(0.1 + 0.8 * fraction))
    report(0.9)
    unplaced = explain.explain(loaded, solution.placements)
    before = score.measure(loaded, score.schedule_of(loaded))
    after = score.measure(loaded, score.schedule_of(loaded, solution.placements))
    changes = score.changes(loaded, solution.placements)
    rooms = loaded.room_by_id
    for change in changes:
        change["room_name"] = rooms[change["room"]].name
        was_room = rooms.get(change["was"]["room_id"])
        change["was_room_name"] = was_room.name if was_room else None
    items = {item.id: item for item in loaded.items}
    return {
        "changes": changes,
        "unplaced": [
            {"panel": panel_id, "title": items[panel_id].title, "reasons": reasons}
            for panel_id, reasons in sorted(unplaced.items())
        ],
        "before": before,
        "after": after,
        "counts": {"panels": len(loaded.items), "fixed": len(loaded.fixed), "placed": len(solution.placements)},
        "solver": {
            "status": solution.status,
            "objective": solution.objective,
            "bound": solution.bound,
            "seconds": round(solution.seconds, 2),
            "first_solution_seconds": round(solution.first_solution_seconds, 2)
            if solution.first_solution_seconds is not None
            else None,
        },
    }


def run_proposal(*, proposal_id):
    """The Celery task's body: solve and store the result, or record the failure."""
    proposal = _claim(proposal_id)
    if proposal is None:
        return None
    last = [0.0]

    def progress(fraction):
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_SECONDS:
            last[0] = now
            _set(proposal_id, progress=max(1, min(99, int(fraction * 100))))

    try:
        result = compute(forum=proposal.forum, params=SolverParams.from_json(proposal.params), on_progress=progress)
    except Exception as exc:
        logger.exception("Schedule proposal %s failed", proposal_id)
        _set(proposal_id, status=ScheduleProposal.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        return None
    _set(
        proposal_id,
        status=ScheduleProposal.Status.DONE,
        progress=100,
        result=result,
        score=result["solver"]["objective"],
        finished_at=timezone.now(),
    )
    return proposal_id


# --- deciding ------------------------------------------------------------------------------


def _locked_proposal(proposal, allowed=(ScheduleProposal.Status.DONE,)):
    services.lock_forum_schedule(proposal.forum_id)
    proposal = ScheduleProposal.objects.select_for_update(of=("self",)).select_related("forum").get(pk=proposal.pk)
    if proposal.status not in allowed:
        _refuse(
            _("This proposal is %(status)s; only a ready proposal can be accepted or discarded.")
            % {"status": proposal.get_status_display().lower()},
            code="proposal_not_ready",
        )
    return proposal


def _stale(change, panel):
    was = change["was"]
    if panel is None:
        return _("“%(title)s” no longer exists.") % {"title": change["title"]}
    if panel.status == Panel.Status.CANCELLED:
        return _("“%(title)s” was cancelled after the proposal was made.") % {"title": panel.title}
    if panel.locked or panel.status == Panel.Status.PUBLISHED:
        return _("“%(title)s” is now fixed in place (published or locked).") % {"title": panel.title}
    if panel.updated_at.isoformat() != was["updated_at"] or panel.sequence != was["sequence"]:
        return _("“%(title)s” was changed after the proposal was made.") % {"title": panel.title}
    return None


def _place(change, panel, rooms, actor):
    room = rooms[change["room"]]
    start, end = datetime.datetime.fromisoformat(change["start"]), datetime.datetime.fromisoformat(change["end"])
    if panel.holds_slot:
        return services.move_panel(panel=panel, room=room, start=start, end=end, actor=actor)
    return services.schedule_panel(panel=panel, room=room, start=start, end=end, actor=actor)


@transaction.atomic
def accept_proposal(*, proposal, panel_ids=None, actor=None):
    """Apply the proposal's changes (those of ``panel_ids`` when given) through the scheduling
    service, all or none. Refused when a panel changed since the proposal was made."""
    proposal = _locked_proposal(proposal)
    changes = proposal.result.get("changes", [])
    by_panel = {change["panel"]: change for change in changes}
    if panel_ids is not None:
        unknown = sorted(set(panel_ids) - set(by_panel))
        if unknown:
            message = _("These panels are not changed by the proposal: %(ids)s.") % {
                "ids": ", ".join(map(str, unknown))
            }
            # Names changes the proposal does not hold: a 404, as any reference to a missing record.
            _refuse(message, code="not_in_proposal", status=404, fields={"panels": [message]})
        changes = [by_panel[pid] for pid in dict.fromkeys(panel_ids)]
    if not changes:
        message = _("Choose at least one change to accept.")
        _refuse(message, code="nothing_to_accept", status=409, fields={"panels": [message]})
    panels = (
        Panel.objects.select_for_update(of=("self",))
        .select_related("forum", "room")
        .in_bulk([change["panel"] for change in changes])
    )
    stale = [reason for change in changes if (reason := _stale(change, panels.get(change["panel"])))]
    if stale:
        _refuse(
            _("The schedule changed since this proposal was made: %(reasons)s Make a new proposal.")
            % {"reasons": " ".join(stale)},
            code="stale_proposal",
            conflicts=[{"code": "stale", "message": reason} for reason in stale],
        )
    rooms = Room.objects.in_bulk([change["room"] for change in changes])
    _apply(changes, panels, rooms, actor)
    proposal.status = ScheduleProposal.Status.ACCEPTED
    proposal.decided_at = timezone.now()
    proposal.result = {**proposal.result, "accepted": [change["panel"] for change in changes]}
    proposal.save(update_fields=["status", "decided_at", "result"])
    return proposal


def _apply(changes, panels, rooms, actor):
    """Place each panel; one that clashes only with panels still to move waits for them. A cycle
    of swaps is broken by taking its panels out of the schedule first (the log shows both steps)."""
    pending = list(changes)
    moving = {change["panel"] for change in changes}
    while pending:
        waiting = []
        for change in pending:
            try:
                with transaction.atomic():
                    _place(change, panels[change["panel"]], rooms, actor)
            except PanelError as exc:
                blockers = {conflict.get("panel") for conflict in exc.conflicts}
                if exc.status == 409 and blockers and blockers <= moving - {change["panel"]}:
                    waiting.append(change)
                    continue
                _refuse(
                    _("“%(title)s” cannot be placed as proposed: %(reason)s")
                    % {"title": change["title"], "reason": exc.message},
                    code="proposal_conflict",
                    conflicts=exc.conflicts,
                )
        if len(waiting) == len(pending):
            for change in waiting:
                panel = panels[change["panel"]]
                if panel.status in HOLDING_STATUSES:
                    panels[change["panel"]] = services.unschedule_panel(panel=panel, actor=actor)
            for change in waiting:
                try:
                    with transaction.atomic():
                        _place(change, panels[change["panel"]], rooms, actor)
                except PanelError as exc:
                    _refuse(
                        _("“%(title)s” cannot be placed as proposed: %(reason)s")
                        % {"title": change["title"], "reason": exc.message},
                        code="proposal_conflict",
                        conflicts=exc.conflicts,
                    )
            return
        for change in pending:
            if change not in waiting:
                moving.discard(change["panel"])
        pending = waiting


@transaction.atomic
def discard_proposal(*, proposal, actor=None):
    S = ScheduleProposal.Status
    proposal = _locked_proposal(proposal, allowed=(S.DONE, S.FAILED, S.QUEUED))
    proposal.status = S.DISCARDED
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    return proposal
