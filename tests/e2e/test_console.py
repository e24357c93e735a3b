"""The organizers' console in Chromium: signing in from the footer, a password reset read from a
real SMTP server, an edition built from nothing without the admin (rooms, themes, a panel, a new
foreign speaker invited), a destructive action cancelled then confirmed, and every console page
at 390 px without sideways scrolling and without an axe-core violation."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from forum.models import Forum
from notifications.models import OutboxMessage
from panels.models import Panel
from registration import services as registration_services
from registration.models import Registration
from speakers.models import Invitation, Speaker
from tests.e2e.conftest import ORGANIZER_PASSWORD, horizontal_overflow, log_in
from tests.factories import (
    ForumFactory,
    InvitationFactory,
    PanelFactory,
    RoomFactory,
    inviting_organization,
    register_attendee,
)
from tests.mailserver import SMTPServer, wait_for
from visas import services as visas_services
from visas.models import InvitingOrganization, Signatory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _en(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def test_an_organizer_signs_in_from_the_footer_and_lands_on_the_editions(live_server, page, organizer):
    organizer.save()
    forum = ForumFactory()
    _en(page, live_server)
    page.goto(live_server.url + "/")
    page.locator("footer").get_by_role("link", name="Organizer sign-in").click()
    expect(page.get_by_role("heading", name="Organizer sign-in")).to_be_visible()
    page.fill("#id_username", organizer.username)
    page.fill("#id_password", "wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".form-errors")).to_be_visible()
    page.fill("#id_password", ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + reverse("organizer:editions"))
    page.get_by_role("link", name=forum.name_en).click()
    nav = page.locator("nav.main-nav")
    for label in ("Overview", "Program grid", "Panels", "Speakers", "Invitations", "Registrations", "Check-in",
                  "Messages", "Reports", "Public site"):  # fmt: skip
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    nav.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/organizer/login/$"))


def test_a_forgotten_password_is_reset_with_the_link_from_the_email(live_server, page, organizer, settings):
    organizer.email = "lead@example.org"
    organizer.save()
    smtp = SMTPServer().start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", smtp.port, 5
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        _en(page, live_server)
        page.goto(live_server.url + reverse("organizer:login"))
        page.get_by_role("link", name="Forgot your password?").click()
        page.fill("#id_email", "lead@example.org")
        page.get_by_role("button", name="Send the link").click()
        expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
        wait_for(lambda: smtp.handler.to("lead@example.org"), timeout=20, message="the reset mail")
        [mail] = smtp.handler.to("lead@example.org")
        text = mail.get_body(preferencelist=("plain",)).get_content()
        link = re.search(r"(http\S+/organizer/password-reset/\S+/)", text).group(1)
    finally:
        smtp.stop()
    page.goto(link)
    page.fill("#id_new_password1", "another-long-pass-phrase-9")
    page.fill("#id_new_password2", "another-long-pass-phrase-9")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    page.fill("#id_username", organizer.username)
    page.fill("#id_password", "another-long-pass-phrase-9")
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(live_server.url + reverse("organizer:editions"))
    page.goto(link)  # the link worked once
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    expect(page.get_by_text("This link is no longer valid")).to_be_visible()


def test_an_edition_is_built_and_a_foreign_speaker_invited_without_the_admin(live_server, page, organizer):
    _en(page, live_server)
    page.goto(live_server.url + reverse("organizer:editions"))
    log_in(page, organizer)
    page.get_by_role("link", name="New edition").click()
    start = datetime.date.today() + datetime.timedelta(days=90)
    page.get_by_label("Name (Azerbaijani)").fill("Forum 2027")
    page.get_by_label("Name (English)").fill("Forum 2027 (en)")
    page.get_by_label("Address (slug)").fill("ncf-2027")
    page.get_by_label("Edition number").fill("5")
    page.get_by_label("First day").fill(start.isoformat())
    page.get_by_label("Last day").fill((start + datetime.timedelta(days=1)).isoformat())
    page.get_by_label("City (Azerbaijani)").fill("Bakı")
    page.get_by_label("Attendee capacity").fill("300")
    page.get_by_role("button", name="Create the edition").click()
    expect(page.get_by_role("heading", name="Rooms and themes")).to_be_visible()
    forum = Forum.objects.get(slug="ncf-2027")

    page.get_by_role("link", name="New room").click()
    page.get_by_label("Name (Azerbaijani)").fill("Böyük zal")
    page.get_by_label("Capacity").fill("250")
    page.locator("input[name=interpretation_languages][value=en]").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Böyük zal")).to_be_visible()
    page.get_by_role("link", name="New theme").click()
    page.get_by_label("Name (Azerbaijani)").fill("Süni intellekt")
    page.get_by_label("Code").fill("ai")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Süni intellekt")).to_be_visible()

    page.locator("nav.main-nav").get_by_role("link", name="Panels", exact=True).click()
    page.get_by_role("link", name="New panel").click()
    page.get_by_label("Title (Azerbaijani)").fill("Süni intellekt və təhlükəsizlik")
    page.get_by_label("Title (English)").fill("AI and security")
    page.get_by_label("Theme").select_option(label="Süni intellekt")
    page.get_by_label("Format").select_option("panel")
    page.get_by_label("Interpretation offered").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="AI and security")).to_be_visible()  # in the page's language

    page.locator("nav.main-nav").get_by_role("link", name="Speakers", exact=True).click()
    page.get_by_role("link", name="New speaker").click()
    expect(page.locator("input[name=publish_consent]")).to_have_count(0)
    page.get_by_label("First name (as in the passport)").fill("Анна")
    page.get_by_label("Last name (as in the passport)").fill("Иванова")
    page.get_by_role("button", name="Save and write the invitation").click()
    expect(page.locator(".has-error").first).to_be_visible()  # Latin name, email, country missing
    page.get_by_label("First name in Latin letters").fill("Anna")
    page.get_by_label("Last name in Latin letters").fill("Ivanova")
    page.get_by_label("Country").select_option("KZ")
    page.get_by_label("Email").fill("anna@example.org")
    page.get_by_label("Preferred language").select_option("ru")
    page.get_by_role("button", name="Save and write the invitation").click()
    deadline = start - datetime.timedelta(days=14)
    page.get_by_label("Answer by").fill(f"{deadline.isoformat()}T18:00")
    page.get_by_role("button", name="Save the invitation").click()
    # The console in English names her by the Latin spelling (core.names).
    expect(page.get_by_text("The invitation was sent to Anna Ivanova.")).to_be_visible()

    assert forum.rooms.get().interpretation_languages == ["en"]
    assert forum.themes.filter(code="ai").exists() and Panel.objects.get(forum=forum).interpretation
    speaker = Speaker.objects.get(email="anna@example.org")
    invitation = Invitation.objects.get(forum=forum, speaker=speaker)
    assert invitation.state == Invitation.State.SENT and speaker.publish_consent is False
    assert invitation.response_deadline.astimezone(forum.tz).hour == 18
    assert OutboxMessage.objects.filter(kind="speaker_invitation", recipient="anna@example.org").exists()


def test_a_cancellation_is_shown_first_then_cancelled_or_confirmed(live_server, page, organizer):
    forum = ForumFactory()
    attendee = register_attendee(forum, first_name="Nigar", email="nigar@example.org")
    registration_services.confirm(token=attendee.raw_token)
    _en(page, live_server)
    detail = live_server.url + reverse("registration:organizer_detail", args=[forum.slug, attendee.pk])
    page.goto(detail)
    log_in(page, organizer)
    page.get_by_role("button", name="Cancel this registration…").click()
    expect(page.locator("[data-audience]")).to_have_text("This emails 1 attendee.")
    page.get_by_role("link", name="Cancel, change nothing").click()
    expect(page).to_have_url(detail)
    attendee.refresh_from_db()
    assert attendee.status == Registration.Status.CONFIRMED
    page.get_by_role("button", name="Cancel this registration…").click()
    page.get_by_role("button", name="Yes, go ahead").click()
    expect(page.locator("[data-fact=status]")).to_contain_text("Cancelled")
    attendee.refresh_from_db()
    assert attendee.status == Registration.Status.CANCELLED


AXE_SCRIPT = None


def axe_violations(page):
    """axe-core (the copy axe-playwright-python ships) run in the page; [] when it passes."""
    global AXE_SCRIPT
    if AXE_SCRIPT is None:
        from axe_playwright_python.base import AXE_SCRIPT as script

        AXE_SCRIPT = script
    page.evaluate(AXE_SCRIPT)  # through the debugger protocol: the page's CSP stays as it is
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def _console_pages(forum, attendee, panel, room, invitation, signatory):
    slug = forum.slug
    return [
        reverse("organizer:letters-setup", args=[slug]),
        reverse("organizer:letters-organization", args=[slug]),
        reverse("organizer:letters-signatory-new", args=[slug]),
        reverse("organizer:letters-signatory", args=[slug, signatory.pk]),
        reverse("organizer:letters-arrival", args=[slug]),
        reverse("visas:desk", args=[slug]),
        reverse("organizer:editions"),
        reverse("organizer:edition-new"),
        reverse("organizer:dashboard", args=[slug]),
        reverse("organizer:edition-edit", args=[slug]),
        reverse("organizer:copy", args=[slug]),
        reverse("organizer:rooms", args=[slug]),
        reverse("organizer:room-new", args=[slug]),
        reverse("organizer:room-edit", args=[slug, room.pk]),
        reverse("organizer:theme-new", args=[slug]),
        reverse("organizer:panels", args=[slug]),
        reverse("organizer:panel-new", args=[slug]),
        reverse("organizer:panel-edit", args=[slug, panel.pk]),
        reverse("organizer:speakers", args=[slug]),
        reverse("organizer:speaker-new", args=[slug]),
        reverse("organizer:speaker-edit", args=[slug, invitation.speaker_id]),
        reverse("organizer:speaker-invite", args=[slug, invitation.speaker_id]),
        reverse("organizer:messages", args=[slug]),
        reverse("organizer:reports", args=[slug]),
        reverse("organizer:print-door-list", args=[slug]),
        reverse("organizer:print-program", args=[slug]),
        reverse("panels:organizer-schedule", args=[slug]),
        reverse("speakers:organizer", args=[slug]),
        reverse("speakers:organizer-invitation", args=[slug, invitation.pk]),
        reverse("speakers:organizer-import", args=[slug]),
        reverse("registration:organizer_list", args=[slug]),
        reverse("registration:organizer_detail", args=[slug, attendee.pk]),
        reverse("registration:organizer_checkin", args=[slug]),
        reverse("notifications:outbox"),
        reverse("organizer:account"),
    ]


@pytest.mark.parametrize("width", [390, 1366])
def test_every_console_page_passes_axe_and_fits_the_screen(live_server, page, organizer, width):
    forum = ForumFactory()
    room = RoomFactory(forum=forum, name="Hall")
    panel = PanelFactory(forum=forum, room=room)
    invitation = InvitationFactory(forum=forum)
    attendee = register_attendee(forum)
    signatory = inviting_organization(forum).signatories.get()
    visas_services.save_arrival_info(
        forum=forum, venue_address={"az": "Bakı Konqres Mərkəzi"}, arrival_instructions={"az": "Sürücü sizi gözləyir."}
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + reverse("organizer:editions"))
    log_in(page, organizer)
    problems = {}
    for path in _console_pages(forum, attendee, panel, room, invitation, signatory):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        found = axe_violations(page)
        overflow = horizontal_overflow(page)
        if found or overflow > 0:
            problems[path] = {"axe": found, "overflow": overflow}
    assert problems == {}


def _visa_desk_and_proposals(forum):
    """The letters desk with a requested, an issued and a revoked letter; the proposals list and
    a proposal in each state the page shows (ready to accept, still queued, failed)."""
    from panels.models import ScheduleProposal
    from panels.solver import proposals
    from speakers import services as speaker_services
    from tests.factories import SpeakerFactory, applicant_input, inviting_organization
    from visas import services as visa_services

    inviting_organization(forum)
    invitations = []
    for surname, country in (("Weber", "DE"), ("Sato", "JP"), ("Lefevre-Dubois", "FR")):
        invitation = InvitationFactory(forum=forum, speaker=SpeakerFactory(last_name=surname, country=country))
        speaker_services.send_invitation(invitation=invitation)
        speaker_services.accept_invitation(invitation=invitation)
        invitation.refresh_from_db()
        visa_services.save_applicant(
            invitation=invitation, **applicant_input(forum, surname=surname, consulate_country=country)
        )
        invitations.append(invitation)
    visa_services.issue_letter(invitation=invitations[0])
    revoked = visa_services.issue_letter(invitation=invitations[1])
    visa_services.revoke_letter(letter=revoked, reason="Passport replaced")
    current = visa_services.issue_letter(invitation=invitations[1])

    RoomFactory(forum=forum, name="Side room", capacity=40)
    for _ in range(3):
        PanelFactory(forum=forum, planned_minutes=60)
    ready = proposals.start_proposal(forum=forum, params={"time_limit": 2})
    ready.refresh_from_db()
    if ready.status != ScheduleProposal.Status.DONE:
        proposals.run_proposal(proposal_id=ready.pk)
    queued = ScheduleProposal.objects.create(forum=forum, params=ready.params, base_version=ready.base_version)
    failed = ScheduleProposal.objects.create(
        forum=forum, params=ready.params, base_version=ready.base_version,
        status=ScheduleProposal.Status.FAILED, error="No room is free on the chosen day.",
    )  # fmt: skip
    slug = forum.slug
    return [
        reverse("visas:desk", kwargs={"slug": slug}),
        reverse("visas:desk", kwargs={"slug": slug}) + "?status=valid&country=JP",
        reverse("visas:desk-invitation", kwargs={"slug": slug, "pk": invitations[0].pk}),
        reverse("visas:desk-invitation", kwargs={"slug": slug, "pk": invitations[1].pk}),
        reverse("visas:desk-invitation", kwargs={"slug": slug, "pk": invitations[2].pk}),
        reverse("visas:revoke", kwargs={"slug": slug, "pk": current.pk}),
        reverse("panels:proposals", args=[slug]),
        reverse("panels:proposal", args=[slug, ready.pk]),
        reverse("panels:proposal", args=[slug, queued.pk]),
        reverse("panels:proposal", args=[slug, failed.pk]),
    ]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_visa_desk_and_the_proposal_pages_pass_axe_and_fit_the_screen(live_server, page, organizer, width,
                                                                          settings, tmp_path):  # fmt: skip
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    forum = ForumFactory()
    RoomFactory(forum=forum, name="Main hall", capacity=300)
    paths = _visa_desk_and_proposals(forum)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + reverse("organizer:editions"))
    log_in(page, organizer)
    problems = {}
    for language in ("az", "en", "ru", "tr"):
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            found = axe_violations(page)
            overflow = horizontal_overflow(page)
            if found or overflow > 0:
                problems[f"{language} {path}"] = {"axe": found, "overflow": overflow}
    assert problems == {}


@pytest.mark.parametrize("width", [1366, 390])
def test_the_funnel_chart_and_the_admin_refusal_pass_axe_and_fit_the_screen(live_server, page, organizer, width):
    forum = ForumFactory()
    start = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    for number in range(12):
        invitation = InvitationFactory(forum=forum)
        sent = start + datetime.timedelta(days=number % 5)
        answer = sent + datetime.timedelta(days=number % 3 + 1)
        state = ("accepted", "declined", "viewed", "sent")[number % 4]
        Invitation.objects.filter(pk=invitation.pk).update(
            state=state,
            sent_at=sent,
            viewed_at=answer if state != "sent" else None,
            accepted_at=answer if state == "accepted" else None,
            declined_at=answer if state == "declined" else None,
        )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + reverse("organizer:editions"))
    log_in(page, organizer)
    problems = {}
    for language in ("az", "ru"):
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page.goto(live_server.url + reverse("organizer:reports", args=[forum.slug]))
        expect(page.locator("#invitation-funnel polyline")).to_have_count(4)
        page.locator("#invitation-funnel summary").click()  # the data table, open
        expect(page.locator("#invitation-funnel table tfoot")).to_be_visible()
        found, overflow = axe_violations(page), horizontal_overflow(page)
        if found or overflow > 0:
            problems[f"{language} reports"] = {"axe": found, "overflow": overflow}
        response = page.goto(live_server.url + "/admin/")
        assert response.status == 403
        expect(page.locator("main a.button")).to_have_attribute("href", reverse("organizer:editions"))
        found, overflow = axe_violations(page), horizontal_overflow(page)
        if found or overflow > 0:
            problems[f"{language} admin"] = {"axe": found, "overflow": overflow}
    assert problems == {}


def test_the_letterhead_and_arrival_are_set_up_on_a_phone_without_the_admin(live_server, page, organizer, tmp_path):
    """At 390 px: the organization, a signatory with images uploaded from the phone, the arrival
    text; the letters desk stops warning once a signatory can sign."""
    from visas import demo_images

    forum = ForumFactory()
    signature, stamp = tmp_path / "signature.png", tmp_path / "stamp.png"
    signature.write_bytes(demo_images.signature_png())
    stamp.write_bytes(demo_images.stamp_png())
    _en(page, live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("organizer:dashboard", args=[forum.slug]))
    log_in(page, organizer)
    page.locator("nav.main-nav").get_by_role("link", name="Organization and arrival").click()
    expect(page.locator("[data-warning=organization]")).to_be_visible()
    page.get_by_role("link", name="Set up the inviting organization").click()
    page.get_by_label("Legal name (Azerbaijani)").fill("Milli Kibertəhlükəsizlik Forumu İctimai Birliyi")
    page.get_by_label("Legal name (English)").fill("National Cybersecurity Forum Public Union")
    page.get_by_label("Registration number (VÖEN)").fill("1504872311")
    page.get_by_label("Legal address (Azerbaijani)").fill("AZ1000, Bakı, Nizami küçəsi 10")
    page.get_by_label("Legal address (English)").fill("10 Nizami Street, Baku")
    page.locator("#id_phone").fill("+994 12 555 01 00")
    page.locator("#id_email").fill("not an address")
    page.locator("#id_contact_name").fill("Leyla Hasanova")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field.has-error", has=page.locator("#id_email"))).to_be_visible()
    page.locator("#id_email").fill("visa@cyberforum.az")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-organization]")).to_contain_text("1504872311")
    expect(page.locator("[data-warning=signatory]")).to_be_visible()
    assert horizontal_overflow(page) <= 0

    page.get_by_role("link", name="New signatory").click()
    page.locator("#id_name").fill("Elnur Mammadov")
    page.get_by_label("Title (Azerbaijani)").fill("Təşkilat Komitəsinin sədri")
    page.get_by_label("Title (English)").fill("Chair of the Organizing Committee")
    page.get_by_label("Signature image").set_input_files(str(signature))
    page.get_by_label("Stamp image").set_input_files(str(stamp))
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-signing]")).to_contain_text("Elnur Mammadov")
    expect(page.locator("[data-warning]")).to_have_count(0)
    images = page.locator("[data-signing] img.mark")
    expect(images).to_have_count(2)
    # The private images load for the organizer (a broken one never gets a width: this times out).
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-signing] img.mark')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )

    page.get_by_role("link", name="Edit the arrival information").click()
    page.get_by_label("Venue address (Azerbaijani)").fill("Bakı Konqres Mərkəzi")
    page.get_by_label("Arrival instructions (English)").fill("A driver meets you at the airport.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-arrival]")).to_contain_text("Bakı Konqres Mərkəzi")

    page.goto(live_server.url + reverse("visas:desk", args=[forum.slug]))
    expect(page.locator(".notice.warning")).to_have_count(0)
    assert InvitingOrganization.objects.get(forum=forum).email == "visa@cyberforum.az"
    assert Signatory.objects.get().signature.name.endswith(".png")
