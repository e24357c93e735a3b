"""Reads about speakers that pages, the API and other apps share."""

import hmac

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from core.tokens import NO_MATCH, hash_token

from .models import Invitation, InvitationPanel, InvitationToken, Speaker, VisaLetter


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


def travel_counts(*, forum):
    """Counts behind the speakers desk's filters, over the same invitations the filters show (one
    query): ``foreign`` experts (from outside the host country), ``visa_needed`` (asked for a visa
    support letter), ``visa_letters`` (of those, the ones with a letter produced) and ``hotel``
    (a hotel room arranged by the organizers)."""
    has_letter = Exists(VisaLetter.objects.filter(invitation=OuterRef("pk")))
    return (
        Invitation.objects.filter(forum=forum)
        .annotate(has_letter=has_letter)
        .aggregate(
            foreign=Count("pk", filter=~Q(speaker__country=forum.host_country)),
            visa_needed=Count("pk", filter=Q(needs_visa_letter=True)),
            visa_letters=Count("pk", filter=Q(needs_visa_letter=True, has_letter=True)),
            hotel=Count("pk", filter=Q(accommodation=Invitation.Accommodation.HOTEL)),
        )
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
            | Q(speaker__organization__icontains=q)
            | Q(speaker__email__icontains=q)
        )
    return qs


def answers_between(*, since, until, forum=None):
    """How many invitations were accepted or declined in [since, until), in ``forum`` when given."""
    answered = Q(accepted_at__gte=since, accepted_at__lt=until) | Q(declined_at__gte=since, declined_at__lt=until)
    rows = Invitation.objects.filter(answered)
    return (rows.filter(forum=forum) if forum is not None else rows).count()
