"""Reads about speakers that pages, the API and other apps share."""

import hmac

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from core.tokens import NO_MATCH, hash_token

from .models import Invitation, InvitationPanel, InvitationToken, Speaker


def _any_language(**lookup):
    """``field__lookup=value`` of a translated field, true in any of the languages."""
    ((key, value),) = lookup.items()
    path, _sep, operator = key.rpartition("__")
    condition = Q()
    for code in settings.LANGUAGE_CODES:
        condition |= Q(**{f"{path}_{code}__{operator}": value})
    return condition


def invitation_for_token(*, token, now=None):
    """The invitation an RSVP token opens, or None.

    Wrong, tampered, revoked and expired tokens, and withdrawn invitations, all take the same path
    (hash, one indexed query, constant-time comparison, checks) and all give None.
    """
    now = now or timezone.now()
    digest = hash_token(token)
    row = (
        InvitationToken.objects.select_related("invitation__forum", "invitation__speaker")
        .filter(token_hash=digest)
        .first()
    )
    stored = row.token_hash if row is not None else NO_MATCH
    matches = hmac.compare_digest(stored, digest) and row is not None
    usable = (
        matches
        and row.revoked_at is None
        and row.expires_at > now
        and row.invitation.state not in {Invitation.State.DRAFT, Invitation.State.WITHDRAWN}
    )
    if not usable:
        return None
    InvitationToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.invitation


def speaker_sessions(*, forum, speaker):
    """The speaker's confirmed roles on the forum's panels (not cancelled), in time order."""
    from panels.models import Panel, Participation

    return list(
        Participation.objects.filter(panel__forum=forum, speaker=speaker)
        .exclude(panel__status=Panel.Status.CANCELLED)
        .select_related("panel__room", "panel__theme")
        .order_by("panel__start", "panel_id")
    )


def public_speakers(*, forum=None):
    """Speakers the public may see: they consented, and they take part in a public forum
    (accepted its invitation or sit on one of its published panels, named there). The rule lives
    in ``panels.selectors.public_profile_q``, which every link to a speaker page uses too."""
    from panels.selectors import public_profile_q

    return Speaker.objects.filter(public_profile_q(forum=forum))


def public_sessions_prefetch(forum):
    """Prefetch of each public speaker's published panels in ``forum`` (as ``public_sessions``)."""
    from panels import selectors as panel_selectors
    from panels.models import Panel, Participation

    return Prefetch(
        "participations",
        queryset=Participation.objects.filter(panel__forum=forum, panel__status=Panel.Status.PUBLISHED)
        .filter(panel_selectors.public_participation_q())
        .select_related("panel__room", "panel__theme")
        .order_by("panel__start", "panel_id"),
        to_attr="public_sessions",
    )


FUNNEL = ["sent", "viewed", "accepted", "declined", "expired", "no_answer"]


def invitation_funnel(*, forum):
    """Counts for the organizers' funnel. ``sent`` counts every invitation that went out (whatever
    happened next), ``viewed`` every one the expert opened; ``no_answer`` is sent or viewed."""
    S = Invitation.State
    counts = Invitation.objects.filter(forum=forum).aggregate(
        draft=Count("pk", filter=Q(state=S.DRAFT)),
        sent=Count("pk", filter=Q(sent_at__isnull=False) & ~Q(state=S.WITHDRAWN)),
        viewed=Count("pk", filter=Q(viewed_at__isnull=False) & ~Q(state=S.WITHDRAWN)),
        accepted=Count("pk", filter=Q(state=S.ACCEPTED)),
        declined=Count("pk", filter=Q(state=S.DECLINED)),
        expired=Count("pk", filter=Q(state=S.EXPIRED)),
        no_answer=Count("pk", filter=Q(state__in=[S.SENT, S.VIEWED])),
        withdrawn=Count("pk", filter=Q(state=S.WITHDRAWN)),
    )
    return counts


FUNNEL_STEPS = ("sent", "viewed", "accepted", "declined")


def invitation_funnel_by_day(*, forum):
    """The invitation funnel over time: ``[(day, {"sent", "viewed", "accepted", "declined"})]``,
    one entry per forum-local day on which something happened, oldest first (one query whatever
    the number of invitations or days).

    Each invitation counts once per step, on the day of that step: ``sent`` the day it last went
    out, ``viewed`` the day the expert first opened it, ``accepted``/``declined`` the day of the
    answer it stands on now (a changed mind moves it). Withdrawn invitations count nowhere, as in
    ``invitation_funnel``."""
    from django.db.models import CharField, Value
    from django.db.models.functions import TruncDate

    S = Invitation.State
    live = Invitation.objects.filter(forum=forum).exclude(state=S.WITHDRAWN).order_by()
    steps = {
        "sent": live.filter(sent_at__isnull=False),
        "viewed": live.filter(viewed_at__isnull=False),
        "accepted": live.filter(state=S.ACCEPTED, accepted_at__isnull=False),
        "declined": live.filter(state=S.DECLINED, declined_at__isnull=False),
    }
    parts = [
        queryset.annotate(day=TruncDate(f"{step}_at", tzinfo=forum.tz), step=Value(step, output_field=CharField()))
        .values("day", "step")
        .annotate(n=Count("pk"))
        .order_by()
        for step, queryset in steps.items()
    ]
    days = {}
    for row in parts[0].union(*parts[1:], all=True):
        days.setdefault(row["day"], dict.fromkeys(FUNNEL_STEPS, 0))[row["step"]] += row["n"]
    return sorted(days.items())


def travel_counts(*, forum):
    """Counts behind the speakers desk's filters, over the same invitations the filters show (one
    query): ``foreign`` experts (from outside the host country), ``visa_needed`` (asked for a visa
    support letter) and ``hotel`` (a hotel room arranged by the organizers). The letters issued are
    the visas app's to count (``visas.selectors.letter_counts``)."""
    return Invitation.objects.filter(forum=forum).aggregate(
        foreign=Count("pk", filter=~Q(speaker__country=forum.host_country)),
        visa_needed=Count("pk", filter=Q(needs_visa_letter=True)),
        hotel=Count("pk", filter=Q(accommodation=Invitation.Accommodation.HOTEL)),
    )


def organizer_invitations(*, forum, state=None, foreign=None, needs_visa=None, needs_hotel=None, theme=None, q=None):
    """The forum's invitations with speakers and offered panels, filtered for the organizer page."""
    qs = (
        Invitation.objects.filter(forum=forum)
        .select_related("speaker", "forum")
        .prefetch_related(
            Prefetch(
                "offered_panels",
                queryset=InvitationPanel.objects.select_related("panel__theme").order_by("panel__start", "panel_id"),
            )
        )
        .order_by("speaker__last_name", "speaker__first_name", "pk")
    )
    if state:
        qs = qs.filter(state=state)
    if foreign is True:
        qs = qs.exclude(speaker__country=forum.host_country)
    elif foreign is False:
        qs = qs.filter(speaker__country=forum.host_country)
    if needs_visa:
        qs = qs.filter(needs_visa_letter=True)
    if needs_hotel:
        qs = qs.filter(accommodation=Invitation.Accommodation.HOTEL)
    if theme:
        from panels.models import Participation

        qs = qs.filter(
            Q(offered_panels__panel__theme__code=theme)
            | Exists(
                Participation.objects.filter(speaker=OuterRef("speaker"), panel__forum=forum, panel__theme__code=theme)
            )
        ).distinct()
    if q:
        qs = qs.filter(
            Q(speaker__first_name__icontains=q)
            | Q(speaker__last_name__icontains=q)
            | Q(speaker__first_name_latin__icontains=q)
            | Q(speaker__last_name_latin__icontains=q)
            | _any_language(speaker__organization__icontains=q)
            | Q(speaker__email__icontains=q)
        )
    return qs


def answers_between(*, since, until, forum=None):
    """How many invitations were accepted or declined in [since, until), in ``forum`` when given."""
    answered = Q(accepted_at__gte=since, accepted_at__lt=until) | Q(declined_at__gte=since, declined_at__lt=until)
    rows = Invitation.objects.filter(answered)
    return (rows.filter(forum=forum) if forum is not None else rows).count()


def latin_names(*, emails):
    """``{email: (first, last)}`` in Latin letters for the speakers among ``emails`` whose Latin
    spelling is given (badges print it): one query, emails compared in lower case."""
    from django.db.models.functions import Lower

    wanted = {email.lower() for email in emails if email}
    if not wanted:
        return {}
    rows = (
        Speaker.objects.annotate(address=Lower("email"))
        .filter(address__in=wanted)
        .exclude(first_name_latin="", last_name_latin="")
        .values_list("address", "first_name", "last_name", "first_name_latin", "last_name_latin")
    )
    return {
        address: (latin_first or first, latin_last or last) for address, first, last, latin_first, latin_last in rows
    }
