"""Crawl every public page, export and API answer of the demo forum and look for personal data.

The demo (seed_demo) is joined by a speaker and an attendee with known secret values; on top of
those, every email, phone, passport number, flight, need and badge code stored anywhere is a
secret too. None may appear in any public response body.
"""

import datetime
import json
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from forum.models import Forum
from panels import services as panel_services
from panels.models import Panel, Participation, ScheduleChange
from registration import services as registration_services
from registration.models import Registration
from speakers import services as speaker_services
from speakers.models import Invitation, Speaker
from tests.factories import OrganizerFactory, applicant_input, register_attendee
from tests.speakers.conftest import sent_invitation
from visas import services as visa_services

pytestmark = pytest.mark.django_db

KNOWN = {
    "speaker email": "nadia.secret-mailbox@private.example",
    "speaker phone": "+33 6 71 71 71 71",
    "passport": "PZ8841207",
    "arrival flight": "QQ4242",
    "dietary": "no-peanuts-secret-diet",
    "accessibility": "secret-ramp-and-loop",
    "attendee email": "farid.secret-attendee@private.example",
    "attendee phone": "+994 50 123 45 67",
    "attendee surname": "Zərdabiqulov",
    "attendee organization": "Secret Registrant LLC",
    "organizer name": "Təhminə Cədvəlqurucu",
    "organizer username": "tahmina-schedules",
    "organizer email": "tahmina.schedules@private.example",
}
SKIP_PREFIXES = (
    "/admin",
    "/organizer",
    "/rsvp/",
    "/registration/",
    "/i18n/",
    "/static/",
    "/media/",
    "/api/docs",
    "/api/redoc",
)
MAX_REQUESTS = 600
HREF = re.compile(r"""(?:href|src|action)=["']([^"'#]+)""")
API_URL = re.compile(r'"(http://testserver/api/[^"]+)"')


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)
    forum = Forum.objects.filter(status=Forum.Status.PUBLISHED).order_by("-start_date").first()
    panel = Panel.objects.filter(forum=forum, status=Panel.Status.PUBLISHED).order_by("start").first()
    invitation, _token = sent_invitation(
        forum,
        first_name="Nadia",
        last_name="Belkacemova",
        country="FR",
        email=KNOWN["speaker email"],
        phone=KNOWN["speaker phone"],
        publish_consent=True,
    )
    speaker_services.offer_panel(invitation=invitation, panel=panel, role=Participation.Role.PANELIST)
    speaker_services.accept_invitation(invitation=invitation, panel_answers={panel.pk: True})
    speaker_services.update_travel(
        invitation=invitation,
        needs_visa_letter=True,
        arrival_flight=KNOWN["arrival flight"],
        dietary_needs=KNOWN["dietary"],
        accessibility_needs=KNOWN["accessibility"],
    )
    # The passport where the letter step keeps it, and where an earlier travel form stored it.
    Invitation.objects.filter(pk=invitation.pk).update(passport_number=KNOWN["passport"])
    visa_services.save_applicant(
        invitation=invitation,
        **applicant_input(forum, surname="Belkacemova", given_names="Nadia", passport_number=KNOWN["passport"]),
    )
    registration = register_attendee(
        forum,
        email=KNOWN["attendee email"],
        phone=KNOWN["attendee phone"],
        last_name=KNOWN["attendee surname"],
        organization=KNOWN["attendee organization"],
        panel_ids=[panel.pk],
    )
    registration_services.confirm(token=registration.raw_token)
    # An organizer moves a published panel: the program's public changes show it, never who did it.
    organizer = OrganizerFactory(
        first_name="Təhminə",
        last_name="Cədvəlqurucu",
        username=KNOWN["organizer username"],
        email=KNOWN["organizer email"],
    )
    panel_services.move_panel(
        panel=panel, start=panel.start, end=panel.end - datetime.timedelta(minutes=15), actor=organizer
    )
    return forum


def _every_secret():
    secrets = dict(KNOWN)
    for speaker in Speaker.objects.all():
        secrets[f"speaker {speaker.pk} email"] = speaker.email
        secrets[f"speaker {speaker.pk} phone"] = speaker.phone
    for invitation in Invitation.objects.all():
        for field in ("passport_number", "arrival_flight", "departure_flight", "dietary_needs", "accessibility_needs"):
            secrets[f"invitation {invitation.pk} {field}"] = getattr(invitation, field)
    for registration in Registration.objects.all():
        for field in ("email", "phone", "badge_code"):
            secrets[f"registration {registration.pk} {field}"] = getattr(registration, field)
        secrets[f"registration {registration.pk} badge"] = registration.badge_code_display
    return {name: value for name, value in secrets.items() if value and len(value) >= 6}


def _variants(value):
    """The value as it may be written in HTML, JSON, XML or iCalendar."""
    forms = {value, json.dumps(value)[1:-1], value.replace("+", "&#43;"), value.replace("@", "&#64;")}
    return {form.lower() for form in forms}


def _crawl(client, seeds):
    seen, queue, pages = set(), deque(seeds), {}
    while queue and len(seen) < MAX_REQUESTS:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            pages[url] = (response.status_code, "")
            continue
        text = b"".join(response.streaming_content if response.streaming else [response.content]).decode(
            "utf-8", "replace"
        )
        pages[url] = (200, text)
        links = [urljoin(url, link) for link in HREF.findall(text)]
        links += [urlsplit(link)._replace(scheme="", netloc="").geturl() for link in API_URL.findall(text)]
        for link in links:
            parts = urlsplit(link)
            if parts.netloc and parts.netloc != "testserver":
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith("/") and not path.startswith(SKIP_PREFIXES) and path not in seen:
                queue.append(path)
    return pages


def test_no_public_page_export_or_api_answer_shows_personal_data(demo):
    forum = demo
    slug = forum.slug
    panel_ids = list(Panel.objects.filter(forum=forum, status=Panel.Status.PUBLISHED).values_list("pk", flat=True))
    speaker_ids = list(Speaker.objects.values_list("pk", flat=True))
    seeds = [
        "/", f"/forums/{slug}/", f"/forums/{slug}/program/", f"/forums/{slug}/speakers/",
        f"/forums/{slug}/register/", f"/forums/{slug}/register/sent/",
        f"/forums/{slug}/schedule.ics", f"/forums/{slug}/schedule.xml", f"/forums/{slug}/schedule.json",
        f"/forums/{slug}/program.csv", "/healthz", "/api/v1/", "/api/schema/",
        f"/forums/{slug}/program/changes/", f"/forums/{slug}/program/changes.atom",
        f"/api/v1/schedule-changes/?forum={slug}",
        *[f"/forums/{slug}/panels/{pk}/" for pk in panel_ids],
        *[f"/forums/{slug}/panels/{pk}.ics" for pk in panel_ids],
        *[f"/forums/{slug}/speakers/{pk}/" for pk in speaker_ids],  # 404 unless public
        *[f"/api/v1/speakers/{pk}/" for pk in speaker_ids],
        f"/api/v1/speakers/?forum={slug}", f"/api/v1/panels/?forum={slug}", "/api/v1/forums/",
    ]  # fmt: skip
    pages = {}
    for language in ("az", "en"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        pages.update({f"{language} {url}": page for url, page in _crawl(client, seeds).items()})
    read = {url: text for url, (status, text) in pages.items() if status == 200}

    # The crawl reached what it should: exports, panels, the known speaker's profile, the API.
    assert len(read) > 60, sorted(pages)
    for must in ("schedule.xml", "schedule.json", "program.csv", "schedule.ics", "/register/", "/api/v1/speakers/"):
        assert any(must in url for url in read), must
    # The changes page, its feed and the API list were read, and the move is in them.
    moved = ScheduleChange.objects.filter(forum=forum, action=ScheduleChange.Action.MOVED).latest("id")
    for must in ("/program/changes/", "/program/changes.atom", "/api/v1/schedule-changes/"):
        assert any(must in url and f"change-{moved.pk}" in text for url, text in read.items()), must
    known = Speaker.objects.get(email=KNOWN["speaker email"])
    assert "Belkacemova" in read[f"en /forums/{slug}/speakers/{known.pk}/"]
    assert any("Belkacemova" in text for url, text in read.items() if "schedule.json" in url)
    assert not any(status >= 500 for status, _text in pages.values()), [u for u, p in pages.items() if p[0] >= 500]

    secrets = _every_secret()
    assert len(secrets) > len(KNOWN)  # the demo's own people are checked too
    leaks = []
    for url, text in read.items():
        lowered = text.lower()
        for name, value in secrets.items():
            if any(form in lowered for form in _variants(value)):
                leaks.append(f"{name} in {url}")
    assert not leaks, leaks[:20]
