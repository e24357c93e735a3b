"""Organizer pages of schedule proposals: start one, watch it run, preview it beside today's
schedule, accept all or some of its changes, or discard it."""

import datetime
from collections import defaultdict

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.decorators import organizer_required
from core.forms import parse_id
from forum.selectors import forum_for_visitor

from .. import conflicts as rules
from .. import selectors as panel_selectors
from ..errors import PanelError
from ..models import HOLDING_STATUSES, ScheduleProposal
from . import explain, proposals, selectors
from .forms import ProposalForm


def _forum(request, slug):
    forum = forum_for_visitor(slug=slug, user=request.user)
    if forum is None:
        raise Http404(_("No such forum edition."))
    return forum


@organizer_required("panels.view_scheduleproposal", write_permission="panels.add_scheduleproposal")
def proposal_list(request, slug):
    forum = _forum(request, slug)
    form = ProposalForm(request.POST or None, forum=forum)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            proposal = proposals.start_proposal(forum=forum, params=form.params(), actor=request.user)
        except PanelError as exc:
            error = exc.message
        else:
            return redirect("panels:proposal", slug=forum.slug, proposal_id=proposal.pk)
    context = {
        "forum": forum,
        "form": form,
        "error": error,
        "proposals": selectors.latest_proposals(forum=forum),
        "counts": panel_selectors.panel_status_counts(forum=forum),
    }
    return render(request, "panels/proposals.html", context, status=400 if request.method == "POST" else 200)


def _when(start, end, tz):
    return rules.local_when(datetime.datetime.fromisoformat(start), datetime.datetime.fromisoformat(end), tz)


def _preview(forum, proposal):
    """Today's placed panels and the proposed changes, by forum-local day, side by side."""
    tz = forum.tz
    changes = []
    for change in proposal.result.get("changes", []):
        was = change["was"]
        changes.append(
            {
                **change,
                "when": _when(change["start"], change["end"], tz),
                "day": datetime.datetime.fromisoformat(change["start"]).astimezone(tz).date(),
                "was_when": _when(was["start"], was["end"], tz)
                if was.get("start") and was.get("status") in HOLDING_STATUSES
                else None,
            }
        )
    today = defaultdict(list)
    for panel in panel_selectors.organizer_panels(forum=forum):
        if panel.holds_slot:
            today[panel.local_start.date()].append(panel)
    proposed = defaultdict(list)
    for change in changes:
        proposed[change["day"]].append(change)
    days = [{"day": day, "today": today.get(day, []), "proposed": proposed.get(day, [])} for day in forum.days]
    unplaced = [
        {**entry, "sentences": [explain.describe(reason) for reason in entry["reasons"]]}
        for entry in proposal.result.get("unplaced", [])
    ]
    return changes, days, unplaced


def _render_proposal(request, forum, proposal, *, error=None, status=200):
    changes, days, unplaced = _preview(forum, proposal) if proposal.status in ("done", "accepted") else ([], [], [])
    result = proposal.result or {}
    context = {
        "forum": forum,
        "proposal": proposal,
        "changes": changes,
        "days": days,
        "unplaced": unplaced,
        "before": result.get("before", {}),
        "after": result.get("after", {}),
        "solver": result.get("solver", {}),
        "error": error,
        "refresh": not proposal.is_finished,
        # Something in the schedule changed since: accepting re-checks each panel and says which.
        "schedule_moved_on": proposal.status == ScheduleProposal.Status.DONE
        and proposal.base_version != panel_selectors.schedule_last_modified(forum=forum).isoformat(),
    }
    return render(request, "panels/proposal.html", context, status=status)


@organizer_required("panels.view_scheduleproposal")
def proposal_detail(request, slug, proposal_id):
    forum = _forum(request, slug)
    proposal = selectors.proposal_of(forum=forum, proposal_id=proposal_id)
    if proposal is None:
        raise Http404(_("No such proposal."))
    return _render_proposal(request, forum, proposal)


@organizer_required("panels.change_scheduleproposal")
@require_POST
def proposal_decide(request, slug, proposal_id, decision):
    forum = _forum(request, slug)
    proposal = selectors.proposal_of(forum=forum, proposal_id=proposal_id)
    if proposal is None or decision not in ("accept", "accept-some", "discard"):
        raise Http404(_("No such proposal."))
    try:
        if decision == "discard":
            proposals.discard_proposal(proposal=proposal, actor=request.user)
            messages.success(request, _("The proposal was discarded; the schedule is unchanged."))
            return redirect("panels:proposals", slug=forum.slug)
        panel_ids = None
        if decision == "accept-some":
            panel_ids = [number for value in request.POST.getlist("panel") if (number := parse_id(value)) is not None]
        proposals.accept_proposal(proposal=proposal, panel_ids=panel_ids, actor=request.user)
    except PanelError as exc:
        proposal.refresh_from_db()
        return _render_proposal(request, forum, proposal, error=exc, status=exc.status)
    count = len(ScheduleProposal.objects.get(pk=proposal.pk).result.get("accepted", []))
    messages.success(
        request,
        ngettext("%(count)s panel placed as proposed.", "%(count)s panels placed as proposed.", count)
        % {"count": count},
    )
    return redirect("panels:organizer-schedule", slug=forum.slug)
