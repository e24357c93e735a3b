"""Reads of schedule proposals that the pages and the API share."""

from ..models import ScheduleProposal


def proposals(*, forum=None):
    rows = ScheduleProposal.objects.select_related("forum", "created_by").order_by("-created_at", "-id")
    return rows.filter(forum=forum) if forum is not None else rows


def latest_proposals(*, forum, limit=10):
    return list(proposals(forum=forum)[:limit])


def proposal_of(*, forum, proposal_id):
    return proposals(forum=forum).filter(pk=proposal_id).first()
