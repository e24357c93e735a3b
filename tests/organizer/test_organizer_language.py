"""Each organizer reads the organizers' notices in their own language.

An organizer chooses it on the console's account page (linked from every console page); every
notice to organizers (a speaker's acceptance or refusal, a conflict with their availability, the
daily digest) is queued per organizer in that language, and an address without an account (in
``ORGANIZER_EMAILS``) gets the site's default, Azerbaijani.
"""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from core import accounts
from core.permissions import organizer_recipients
from notifications.models import OutboxMessage
from notifications.services import render_message
from organizer.services import send_organizer_digest
from speakers import services
from tests.factories import OrganizerFactory, UserFactory
from tests.speakers.conftest import make_panel, sent_invitation

pytestmark = pytest.mark.django_db
DESK = "desk@forum.example"


@pytest.fixture
def organizers(settings):
    """Olga reads Russian, Tarık Turkish; the desk's address has no account (Azerbaijani)."""
    settings.ORGANIZER_EMAILS = [DESK]
    olga = OrganizerFactory(email="olga@forum.example", first_name="Olga")
    tarik = OrganizerFactory(email="Tarik@Forum.example", first_name="Tarık")
    accounts.set_preferred_language(user=olga, language="ru")
    accounts.set_preferred_language(user=tarik, language="tr")
    return {"olga@forum.example": "ru", "tarik@forum.example": "tr", DESK: "az"}


def _speaker_fields():
    return {
        "first_name": "Rəşad", "last_name": "Məmmədov", "first_name_latin": "Rashad", "last_name_latin": "Mammadov",
        "country": "DE", "preferred_language": "en", "organization_az": "ADA Universiteti",
        "organization_ru": "Университет ADA", "organization_tr": "ADA Üniversitesi",
    }  # fmt: skip


def _rendered(kind):
    return {
        message.recipient: (message.language, *render_message(message))
        for message in OutboxMessage.objects.filter(kind=kind)
    }


def test_each_organizer_has_the_language_of_their_account_and_others_the_default(organizers):
    assert dict(organizer_recipients()) == organizers
    UserFactory(email="olga@forum.example")  # a second account with the address, no choice made
    assert dict(organizer_recipients())["olga@forum.example"] == "ru"


def test_two_organizers_read_the_same_refusal_each_in_their_language(forum, organizers):
    invitation, _token = sent_invitation(forum, **_speaker_fields())
    services.decline_invitation(invitation=invitation, reason="Konflikt")
    mails = _rendered("speaker_declined")
    assert {recipient: mail[0] for recipient, mail in mails.items()} == organizers

    _language, subject, text, html = mails["olga@forum.example"]
    assert subject == "Rashad Mammadov отклонил(а) приглашение"
    assert "Rashad Mammadov (Университет ADA, Германия) отклонил(а) приглашение" in text
    assert "Университет ADA" in html and "ADA Universiteti" not in html + text

    _language, subject, text, html = mails["tarik@forum.example"]
    assert subject == "Rashad Mammadov daveti reddetti"
    assert "(ADA Üniversitesi, Almanya)" in text and "Üniversitesi" in html

    _language, subject, text, html = mails[DESK]
    assert subject == "Rəşad Məmmədov dəvətdən imtina etdi"
    assert "Rəşad Məmmədov (ADA Universiteti, Almaniya)" in text


def test_an_acceptance_and_an_availability_conflict_reach_each_organizer_in_their_language(forum, organizers):
    panel = make_panel(forum, title="Kəşfiyyat mübadiləsi", hour=10)
    invitation, _token = sent_invitation(forum, **_speaker_fields())
    services.offer_panel(invitation=invitation, panel=panel)
    services.accept_invitation(invitation=invitation, panel_answers={panel.pk: True})
    accepted = _rendered("speaker_accepted")
    assert accepted["olga@forum.example"][1] == "Rashad Mammadov принял(а) приглашение"
    assert accepted["tarik@forum.example"][1] == "Rashad Mammadov daveti kabul etti"
    assert accepted[DESK][1] == "Rəşad Məmmədov dəvəti qəbul etdi"
    # The sessions offered, with the role in each reader's words.
    assert "Участник панели" in accepted["olga@forum.example"][2]
    assert "Panel iştirakçısı" in accepted[DESK][2]

    day = forum.days[0]
    services.set_availability(
        invitation=invitation,
        windows=[(forum.local_datetime(day, datetime.time(14)), forum.local_datetime(day, datetime.time(18)))],
    )
    conflict = _rendered("speaker_availability_conflict")
    assert {recipient: mail[0] for recipient, mail in conflict.items()} == organizers
    assert "больше не доступен(на)" in conflict["olga@forum.example"][1]
    assert "Участник панели" in conflict["olga@forum.example"][2]
    assert "Almanya" in conflict["tarik@forum.example"][2]


def test_the_daily_digest_is_written_in_each_organizers_language(forum, organizers):
    messages = send_organizer_digest()
    assert {message.recipient: message.language for message in messages} == organizers
    mails = _rendered("organizer_digest")
    assert "Ежедневная сводка" in mails["olga@forum.example"][1]
    assert "Новые регистрации" in mails["olga@forum.example"][2]
    assert "Günlük özet" in mails["tarik@forum.example"][1] and "Yeni kayıtlar" in mails["tarik@forum.example"][2]
    assert "Gündəlik xülasə" in mails[DESK][1]
    # The day in each reader's words, not an ISO date.
    day = messages[0].context["date"]
    assert all(day not in mail[1] for mail in mails.values())


def test_the_digest_names_failed_kinds_in_the_readers_language(organizers):
    failed = OutboxMessage.objects.create(
        kind="speaker_invitation", recipient="x@example.org", dedupe_key="f-1", state=OutboxMessage.State.FAILED
    )
    assert failed.pk
    send_organizer_digest()
    mails = _rendered("organizer_digest")
    assert "speaker_invitation" not in mails["olga@forum.example"][2]
    assert "speaker_invitation" not in mails["olga@forum.example"][3]


# --- the account page -------------------------------------------------------------------------


def test_the_account_page_is_in_the_console_nav_and_keeps_the_language(client):
    organizer = OrganizerFactory()
    client.force_login(organizer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    editions = client.get(reverse("organizer:editions")).content.decode()
    assert f'href="{reverse("organizer:account")}"' in editions
    page = client.get(reverse("organizer:account"))
    assert page.status_code == 200 and "Language of my messages" in page.content.decode()
    response = client.post(reverse("organizer:account"), {"language": "tr"})
    assert response.status_code == 302 and response["Location"] == reverse("organizer:account")
    assert accounts.preferred_language(organizer) == "tr"
    # The console follows: the confirmation and the next page are in Turkish.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "tr"
    page = client.get(reverse("organizer:account")).content.decode()
    assert 'lang="tr"' in page and 'value="tr" selected' in page
    # Back to the site's default.
    client.post(reverse("organizer:account"), {"language": ""})
    assert accounts.preferred_language(organizer) == "" and accounts.language_for(organizer) == "az"


def test_an_unknown_language_is_refused_on_the_form(client):
    organizer = OrganizerFactory()
    client.force_login(organizer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("organizer:account"), {"language": "de"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert accounts.preferred_language(organizer) == ""


def test_the_account_page_is_for_organizers_only(client):
    assert client.get(reverse("organizer:account"))["Location"].startswith(reverse("organizer:login"))
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("organizer:account")).status_code == 403


def test_signing_in_opens_the_console_in_the_accounts_language(client):
    organizer = OrganizerFactory(username="olga")
    accounts.set_preferred_language(user=organizer, language="ru")
    response = client.post(reverse("organizer:login"), {"username": "olga", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"


def test_the_service_refuses_a_language_the_site_does_not_speak():
    from core.errors import DomainError

    organizer = OrganizerFactory()
    with pytest.raises(DomainError) as refused:
        accounts.set_preferred_language(user=organizer, language="de")
    assert refused.value.code == "invalid_language" and refused.value.fields == {"language": ["invalid"]}
