"""The world the fuzz walks: a public edition with rooms, themes and its information pages, a
published panel with a speaker, a draft panel, a break, a finished schedule proposal, a sent
invitation, an accepted foreign speaker with an issued visa letter, a registration, each with its
real personal-link token, an outbox message, an organizer's password-reset link, and an organizer
signed in. Every URL parameter of the walk is filled from these (tests/fuzz/walk.py ROUTE_ARGS).
Counts of requests and statuses per class are printed at the end of the run."""

import collections
import datetime

import pytest

RESULTS = collections.defaultdict(collections.Counter)


def record(kind, response):
    RESULTS[kind][response.status_code] += 1


def pytest_terminal_summary(terminalreporter):
    if not RESULTS:
        return
    terminalreporter.section("fuzz: requests and statuses per class")
    for kind in sorted(RESULTS):
        counter = RESULTS[kind]
        statuses = ", ".join(f"{status}×{count}" for status, count in sorted(counter.items()))
        terminalreporter.write_line(f"{kind}: {sum(counter.values())} requests ({statuses})")


@pytest.fixture(autouse=True)
def _no_limits_in_the_way(settings):
    """The fuzz sends far more requests than any limit allows; the limits have their own tests."""
    settings.RATELIMIT_ENABLE = False
    settings.AXES_ENABLED = False
    settings.REGISTRATION_MIN_FILL_SECONDS = 0
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(rates, "100000/hour"),
    }


@pytest.fixture(autouse=True)
def _private_files_apart(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _letter(forum):
    """An accepted foreign speaker with a visa letter issued, and the RSVP token of that invitation."""
    from speakers import services as speaker_services
    from tests.factories import InvitationFactory, SpeakerFactory, applicant_input, inviting_organization
    from visas import services as visa_services

    invitation = InvitationFactory(forum=forum, speaker=SpeakerFactory(country="DE", last_name="Weber"))
    speaker_services.send_invitation(invitation=invitation)
    token = speaker_services.issue_token(invitation, invitation.sent_at)
    speaker_services.accept_invitation(invitation=invitation)
    inviting_organization(forum)
    visa_services.save_applicant(invitation=invitation, **applicant_input(forum))
    letter = visa_services.issue_letter(invitation=invitation)
    return invitation, letter, token


def _badges_job(forum, organizer):
    """A finished badges PDF job (run in this process: the world has no worker)."""
    from core import jobs
    from organizer import documents

    job = documents.start_badges(forum=forum, by=organizer)
    jobs.run(job_id=job.pk)
    job.refresh_from_db()
    return job


def _proposal(forum):
    """A finished schedule proposal (the solver placed the world's draft panel)."""
    from panels.solver import proposals

    proposal = proposals.start_proposal(forum=forum, params={"time_limit": 1})
    proposals.run_proposal(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def world(db, client):
    from notifications import services as notification_services
    from organizer import services as organizer_services
    from panels import services as panel_services
    from panels.models import InfoPage
    from tests.factories import (
        ForumFactory,
        OrganizerFactory,
        PanelFactory,
        ProgramItemFactory,
        RoomFactory,
        SpeakerFactory,
        register_attendee,
    )
    from tests.speakers.conftest import sent_invitation

    forum = ForumFactory(slug="fuzz", capacity=500)
    hall = RoomFactory(forum=forum, order=1, name="Hall")
    RoomFactory(forum=forum, order=2, name="Side")
    speaker = SpeakerFactory(publish_consent=True)
    panel = PanelFactory(forum=forum)
    start = forum.local_datetime(forum.start_date, datetime.time(10, 0))
    panel_services.schedule_panel(panel=panel, room=hall, start=start, end=start + datetime.timedelta(hours=1))
    panel_services.add_participant(panel=panel, speaker=speaker)
    panel_services.publish_panel(panel=panel)
    draft = PanelFactory(forum=forum)
    item = ProgramItemFactory(forum=forum, start=forum.local_datetime(forum.start_date, datetime.time(12, 30)))
    proposal = _proposal(forum)
    for kind in InfoPage.Kind.values:
        InfoPage.objects.create(forum=forum, kind=kind, title=f"About {kind}", body="Text.")
    invitation, rsvp_token = sent_invitation(forum)
    letter_invitation, letter, letter_rsvp_token = _letter(forum)
    registration = register_attendee(forum)
    message = notification_services.enqueue(
        kind="registration_confirmation", recipient="fuzz@example.org", language="en", context={}, dedupe_key="fuzz"
    )
    organizer = OrganizerFactory()
    job = _badges_job(forum, organizer)
    reset_url, reset_token = organizer_services.password_reset_url(organizer)
    client.force_login(organizer)
    return {
        "client": client,
        "forum": forum,
        "room": hall,
        "panel": panel,
        "draft": draft,
        "speaker": speaker,
        "invitation": invitation,
        "rsvp_token": rsvp_token,
        "registration": registration,
        "registration_token": registration.raw_token,
        "message": message,
        "organizer": organizer,
        # What the walk fills URL parameters with (walk.ROUTE_ARGS).
        "forum_slug": forum.slug,
        "theme": forum.themes.order_by("order").first(),
        "invited_speaker": invitation.speaker,
        "uninvited_speaker": SpeakerFactory(),
        "info_kinds": list(InfoPage.Kind.values),
        "item": item,
        "proposal": proposal,
        "letter_invitation": letter_invitation,
        "letter": letter,
        "letter_code": letter.code,
        "letter_rsvp_token": letter_rsvp_token,
        "letter_file": letter.pdf.name,
        "reset_uid": reset_url.rstrip("/").split("/")[-2],
        "reset_token": reset_token,
        "signatory": letter.signatory,
        "job": job,
    }
