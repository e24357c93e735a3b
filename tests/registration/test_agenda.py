"""The attendee's personal agenda: the chosen panels on the manage page, the form that changes the
choice, the personal calendar, and the message sent when a chosen panel moves or is cancelled."""

import datetime
import re

import icalendar
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from forum.models import Forum
from notifications.models import OutboxMessage
from notifications.services import REDACTED_LINK, deliver, render_message, resend_one
from panels import services as panel_services
from panels.models import Panel
from registration import selectors, services
from registration.errors import RegistrationError
from registration.models import Registration
from tests.factories import ForumFactory, PanelFactory, RoomFactory, register_attendee

pytestmark = pytest.mark.django_db

KIND = "registration_panel_changed"


def at(forum, day, clock):
    hours, minutes = map(int, clock.split(":"))
    return forum.local_datetime(forum.days[day], datetime.time(hours, minutes))


def published(forum, room, day, start, end, **kwargs):
    panel = PanelFactory(forum=forum, **kwargs)
    panel = panel_services.schedule_panel(
        panel=panel, room=room, start=at(forum, day, start), end=at(forum, day, end)
    ).panel
    return panel_services.publish_panel(panel=panel)


@pytest.fixture
def program(forum):
    hall = RoomFactory(forum=forum, name={"az": "Böyük zal", "en": "Main Hall"}, order=1)
    side = RoomFactory(forum=forum, name={"az": "Kiçik zal", "en": "Side Room"}, order=2)
    return {
        "hall": hall,
        "side": side,
        "late": published(forum, side, 1, "14:00", "15:00", title={"az": "Sonrakı", "en": "Later talk"}),
        "early": published(forum, hall, 0, "10:00", "11:00", title={"az": "Erkən", "en": "Early talk"}),
        "other": published(forum, hall, 0, "12:00", "13:00", title={"az": "Başqa", "en": "Unchosen talk"}),
        "draft": PanelFactory(forum=forum, title={"az": "Qaralama", "en": "Draft talk"}),
    }


def attendee(forum, panels=(), confirm=True, **overrides):
    registration = register_attendee(forum, **overrides)
    if confirm:
        services.confirm(token=registration.raw_token)
    registration.panels.set([panel.pk for panel in panels])
    return registration


def _agenda_html(client, registration, language="en"):
    client.cookies["django_language"] = language
    response = client.get(reverse("registration:manage", kwargs={"token": registration.raw_token}))
    assert response.status_code == 200
    html = response.content.decode()
    return html, html[html.index('id="agenda"') : html.index("</ol>")]


def _chosen(registration):
    return set(Registration.objects.get(pk=registration.pk).panels.values_list("pk", flat=True))


# --- the agenda on the manage page -------------------------------------------------------------


def test_the_agenda_lists_the_chosen_public_panels_in_time_order_with_day_time_room_and_links(client, forum, program):
    registration = attendee(forum, [program["late"], program["early"], program["draft"]])
    html, agenda = _agenda_html(client, registration)
    assert "My agenda" in html
    assert agenda.index("Early talk") < agenda.index("Later talk")
    assert "Draft talk" not in agenda and "Unchosen talk" not in agenda
    early_day = forum.days[0]
    assert f"{early_day:%A}, {early_day.day} " in agenda  # forum-local day
    assert "10:00" in agenda and "11:00" in agenda and "14:00" in agenda
    assert "Main Hall" in agenda and "Side Room" in agenda
    for name in ("early", "late"):
        assert f'href="/forums/{forum.slug}/panels/{program[name].pk}/"' in agenda
    assert f"--theme-colour: {program['early'].theme.colour}" in agenda
    assert "Cancelled" not in agenda and "Moved" not in agenda


def test_the_agenda_shows_times_in_the_forum_zone_and_the_person_language(client, forum, program):
    registration = attendee(forum, [program["early"]])
    _html, agenda = _agenda_html(client, registration, language="az")
    assert "Erkən" in agenda and "Böyük zal" in agenda
    assert "10:00" in agenda  # Asia/Baku wall clock, not UTC (06:00)


def test_cancelled_and_moved_panels_are_marked_in_the_agenda(client, forum, program):
    registration = attendee(forum, [program["early"], program["late"]])
    panel_services.cancel_panel(panel=program["early"])
    panel_services.move_panel(panel=program["late"], start=at(forum, 1, "16:00"), end=at(forum, 1, "17:00"))
    _html, agenda = _agenda_html(client, registration)
    early, late = agenda.split('<li class="agenda-item')[1:]
    assert "Early talk" in early and "Later talk" in late
    assert "Cancelled" in early and "Moved" not in early
    assert "Moved" in late and "16:00" in late and "Cancelled" not in late


def test_a_move_before_publication_is_not_marked(client, forum, program):
    panel = PanelFactory(forum=forum, title={"az": "Yeni", "en": "Fresh talk"})
    panel = panel_services.schedule_panel(
        panel=panel, room=program["hall"], start=at(forum, 1, "10:00"), end=at(forum, 1, "11:00")
    ).panel
    panel_services.move_panel(panel=panel, start=at(forum, 1, "11:00"), end=at(forum, 1, "12:00"))
    panel_services.publish_panel(panel=panel)
    registration = attendee(forum, [panel])
    _html, agenda = _agenda_html(client, registration)
    assert "Fresh talk" in agenda and "Moved" not in agenda


def _fill(forum, count):
    rooms = [RoomFactory(forum=forum, order=index) for index in range(2)]
    now = timezone.now()
    themes = list(forum.themes.all())
    panels = Panel.objects.bulk_create(
        Panel(
            forum=forum, theme=themes[index % len(themes)], room=rooms[index % 2], title=f"Bulk {index}",
            title_az=f"Bulk {index}", title_en=f"Bulk {index}",
            start=at(forum, index % 2, "09:00") + datetime.timedelta(minutes=30 * (index // 2)),
            end=at(forum, index % 2, "09:30") + datetime.timedelta(minutes=30 * (index // 2)),
            status=Panel.Status.PUBLISHED, published_at=now,
        )
        for index in range(count)
    )  # fmt: skip
    return panels


# The token with its registration and forum (1), the program with the chosen flag and the moves (1),
# and the session that remembers the link for the program's stars (4: a fresh key checked, then
# written inside a savepoint; the client had no session yet) — and nothing per panel.
MANAGE_QUERIES = 6
# The token (1), the chosen public panels (1) and their speakers (1).
CALENDAR_QUERIES = 3


@pytest.mark.parametrize("size", [2, 20])
def test_the_manage_page_runs_the_same_queries_at_any_number_of_chosen_panels(
    client, forum, size, django_assert_num_queries
):
    panels = _fill(forum, size)
    registration = attendee(forum, panels)
    panel_services.cancel_panel(panel=panels[0])
    url = reverse("registration:manage", kwargs={"token": registration.raw_token})
    with django_assert_num_queries(MANAGE_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('class="agenda-item') == size


@pytest.mark.parametrize("size", [2, 20])
def test_the_personal_calendar_runs_the_same_queries_at_any_number_of_chosen_panels(
    client, forum, size, django_assert_num_queries
):
    registration = attendee(forum, _fill(forum, size))
    url = reverse("registration:calendar", kwargs={"token": registration.raw_token})
    with django_assert_num_queries(CALENDAR_QUERIES):
        response = client.get(url)
    calendar = icalendar.Calendar.from_ical(response.content)
    assert len(calendar.walk("VEVENT")) == len(forum.days) + size


# --- changing the choice -----------------------------------------------------------------------


def _post(client, registration, panel_ids):
    client.cookies["django_language"] = "en"
    url = reverse("registration:panels", kwargs={"token": registration.raw_token})
    return client.post(url, {"panels": [str(pk) for pk in panel_ids]})


def test_the_manage_page_offers_the_public_program_by_day_in_a_form_that_needs_no_javascript(client, forum, program):
    registration = attendee(forum, [program["early"]])
    html, _agenda = _agenda_html(client, registration)
    start = html.index("<form", html.index('id="agenda"'))
    form = html[start : html.index("</form>", start)]
    assert 'class="panel-choice"' in form
    assert 'method="post"' in form and "csrfmiddlewaretoken" in form
    assert reverse("registration:panels", kwargs={"token": registration.raw_token}) in form
    assert len(re.findall(r"<fieldset>", form)) == 2  # one per forum day
    assert f'value="{program["early"].pk}" checked' in form
    assert f'value="{program["other"].pk}">' in form
    assert "Draft talk" not in form
    assert "<script" not in html.split("</main>")[0]


def test_the_form_saves_the_choice_and_saving_it_again_changes_nothing(client, forum, program):
    registration = attendee(forum, [program["early"]])
    response = _post(client, registration, [program["late"].pk, program["other"].pk])
    assert response.status_code == 302
    assert response["Location"].endswith(f"/registration/{registration.raw_token}/#agenda")
    assert _chosen(registration) == {program["late"].pk, program["other"].pk}
    stamp = Registration.objects.get(pk=registration.pk).updated_at
    assert _post(client, registration, [program["other"].pk, program["late"].pk]).status_code == 302
    assert Registration.objects.get(pk=registration.pk).updated_at == stamp
    html = client.get(response["Location"]).content.decode()
    assert "Your choice of panels is saved." in html
    assert _post(client, registration, []).status_code == 302  # nothing ticked clears the choice
    assert _chosen(registration) == set()


@pytest.mark.parametrize("which", ["draft", "foreign"])
def test_the_form_refuses_a_panel_outside_the_public_program_and_writes_nothing(client, forum, program, which):
    registration = attendee(forum, [program["early"]])
    if which == "draft":
        bad = program["draft"]
    else:
        other_forum = ForumFactory()
        bad = published(other_forum, RoomFactory(forum=other_forum), 0, "10:00", "11:00")
    response = _post(client, registration, [program["late"].pk, bad.pk])
    assert response.status_code == 400
    html = response.content.decode()
    assert f"These panels are not in the public program of {forum.name_az}: {bad.pk}." in html
    assert _chosen(registration) == {program["early"].pk}
    assert f'value="{program["late"].pk}" checked' in html  # the person's ticks are kept


def test_the_form_is_refused_for_a_cancelled_registration_and_an_unknown_link(client, forum, program):
    registration = attendee(forum, [program["early"]])
    services.cancel(token=registration.raw_token)
    response = _post(client, registration, [program["late"].pk])
    assert response.status_code == 409
    assert "can no longer be changed" in response.content.decode()
    assert _chosen(registration) == {program["early"].pk}
    assert client.post(reverse("registration:panels", kwargs={"token": "x" * 43})).status_code == 404
    assert client.get(reverse("registration:panels", kwargs={"token": registration.raw_token})).status_code == 405


def test_the_service_validates_every_id_and_is_all_or_nothing(forum, program):
    registration = attendee(forum, [program["early"]])
    token = registration.raw_token
    for bad in (["abc"], [True], [1.5], [2**40], [program["draft"].pk]):
        with pytest.raises(RegistrationError) as caught:
            services.set_panels_of_interest(token=token, panel_ids=[program["late"].pk, *bad])
        assert caught.value.status == 400 and "panels" in caught.value.fields
    assert _chosen(registration) == {program["early"].pk}
    services.set_panels_of_interest(token=token, panel_ids=[str(program["late"].pk), program["late"].pk])
    assert _chosen(registration) == {program["late"].pk}


def test_a_cancelled_panel_the_public_saw_may_stay_chosen(forum, program):
    registration = attendee(forum, [program["early"]])
    panel_services.cancel_panel(panel=program["early"])
    services.set_panels_of_interest(token=registration.raw_token, panel_ids=[program["early"].pk])
    assert _chosen(registration) == {program["early"].pk}


def test_the_service_refuses_anonymized_registrations(forum, program):
    registration = attendee(forum, [program["early"]])
    Registration.objects.filter(pk=registration.pk).update(anonymized_at=timezone.now())
    with pytest.raises(RegistrationError) as caught:
        services.set_panels_of_interest(token=registration.raw_token, panel_ids=[])
    assert caught.value.status == 404
    assert _chosen(registration) == {program["early"].pk}


def test_the_api_patches_the_panels_through_the_same_service(client, forum, program):
    registration = attendee(forum, [program["early"]])
    url = f"/api/v1/registration-manage/{registration.raw_token}/"
    response = client.patch(url, {"panel_ids": [program["late"].pk]}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["panels"] == [program["late"].pk]
    refused = client.patch(url, {"panel_ids": [program["draft"].pk]}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "unknown_panels"
    assert _chosen(registration) == {program["late"].pk}
    unknown = client.patch("/api/v1/registration-manage/" + "x" * 43 + "/", {}, content_type="application/json")
    assert unknown.status_code == 404


# --- the personal calendar ---------------------------------------------------------------------


def test_the_personal_calendar_has_the_forum_days_and_the_chosen_panels_as_the_public_export(client, forum, program):
    registration = attendee(forum, [program["early"], program["late"], program["draft"]])
    panel_services.move_panel(panel=program["late"], start=at(forum, 1, "16:00"), end=at(forum, 1, "17:00"))
    personal = icalendar.Calendar.from_ical(
        client.get(reverse("registration:calendar", kwargs={"token": registration.raw_token})).content
    )
    public = icalendar.Calendar.from_ical(client.get(reverse("panels:schedule-ics", args=[forum.slug])).content)
    public_events = {str(event["UID"]): event for event in public.walk("VEVENT")}
    panel_events = [event for event in personal.walk("VEVENT") if str(event["UID"]).startswith("panel-")]
    day_events = [event for event in personal.walk("VEVENT") if str(event["UID"]).startswith("registration-")]
    assert len(day_events) == len(forum.days)
    assert sorted(str(event["UID"]) for event in panel_events) == sorted(
        f"panel-{program[name].pk}@127.0.0.1" for name in ("early", "late")
    )
    for event in panel_events:
        twin = public_events[str(event["UID"])]
        assert event["SEQUENCE"] == twin["SEQUENCE"]
        assert event.decoded("DTSTART") == twin.decoded("DTSTART")
    moved = next(event for event in panel_events if str(event["UID"]) == f"panel-{program['late'].pk}@127.0.0.1")
    assert moved["SEQUENCE"] == 2  # scheduled (1), moved (2)
    assert moved.decoded("DTSTART") == at(forum, 1, "16:00")


# --- telling the attendees about a change ------------------------------------------------------


def _sent(kind=KIND):
    return list(OutboxMessage.objects.filter(kind=kind).order_by("id"))


def test_moving_a_published_panel_tells_each_interested_active_attendee_once(forum, program):
    panel = program["early"]
    confirmed = attendee(forum, [panel], language="ru", first_name="Olga")
    pending = attendee(forum, [panel], confirm=False, language="tr")
    cancelled = attendee(forum, [panel])
    services.cancel(token=cancelled.raw_token)
    anonymized = attendee(forum, [panel])
    Registration.objects.filter(pk=anonymized.pk).update(anonymized_at=timezone.now())
    attendee(forum, [program["late"]])  # chose another panel
    Forum.objects.filter(pk=forum.pk).update(capacity=Registration.objects.exclude(status="cancelled").count())
    waiting = attendee(forum, [panel], confirm=False, language="az")
    assert Registration.objects.get(pk=waiting.pk).status == Registration.Status.WAITLISTED
    panel_services.move_panel(panel=panel, room=program["side"], start=at(forum, 0, "15:00"), end=at(forum, 0, "16:00"))
    messages = _sent()
    assert sorted((m.recipient, m.language) for m in messages) == sorted(
        [(confirmed.email, "ru"), (pending.email, "tr"), (waiting.email, "az")]
    )
    message = next(m for m in messages if m.recipient == confirmed.email)
    assert message.context["change"] == "moved"
    assert message.context["after"]["when"].startswith(f"{forum.days[0]:%d.%m.%Y} 15:00")
    assert message.context["before"]["when"].startswith(f"{forum.days[0]:%d.%m.%Y} 10:00")
    assert message.context["manage_url"].startswith("http")
    _subject, text, html = render_message(message)
    assert "У панели «Erkən»" in text  # titles and rooms without Russian fall back to Azerbaijani
    assert "Было: " in text and "Стало: " in text and "15:00–16:00, Kiçik zal" in text
    assert "Olga" in text and message.context["manage_url"] in html
    assert message.context["panel_url"].endswith(f"/forums/{forum.slug}/panels/{panel.pk}/")


def test_each_change_is_one_more_message_and_a_change_is_never_told_twice(forum, program):
    panel = program["early"]
    registration = attendee(forum, [panel])
    panel_services.move_panel(panel=panel, start=at(forum, 0, "15:00"), end=at(forum, 0, "16:00"))
    panel_services.move_panel(panel=panel, start=at(forum, 0, "16:00"), end=at(forum, 0, "17:00"))
    assert [m.context["after"]["when"][11:16] for m in _sent()] == ["15:00", "16:00"]
    change = panel.changes.order_by("-id").first()
    with transaction.atomic():
        assert (
            services.notify_panel_change(
                panel=Panel.objects.select_related("forum", "room").get(pk=panel.pk),
                change="moved",
                before={"when": "x", "room": None},
                schedule_change=change,
            )
            == 1
        )
    assert len(_sent()) == 2
    panel_services.cancel_panel(panel=panel)
    last = _sent()[-1]
    assert last.context["change"] == "cancelled" and last.context["after"] is None
    assert last.recipient == registration.email
    assert "cancelled" in render_message(last)[0]


def test_changes_to_unpublished_panels_and_speaker_only_changes_tell_nobody(forum, program):
    panel = PanelFactory(forum=forum)
    panel = panel_services.schedule_panel(
        panel=panel, room=program["hall"], start=at(forum, 1, "10:00"), end=at(forum, 1, "11:00")
    ).panel
    registration = attendee(forum, [program["early"]])
    registration.panels.add(panel)  # chosen while it was public, say
    panel_services.move_panel(panel=panel, start=at(forum, 1, "11:00"), end=at(forum, 1, "12:00"))
    assert _sent() == []


def test_the_message_goes_out_in_the_same_transaction_as_the_change(forum, program):
    attendee(forum, [program["early"]])
    with pytest.raises(RuntimeError), transaction.atomic():
        panel_services.cancel_panel(panel=program["early"])
        assert len(_sent()) == 1
        raise RuntimeError("the organizer's request failed later")
    assert _sent() == []
    assert Panel.objects.get(pk=program["early"].pk).status == Panel.Status.PUBLISHED


def test_the_manage_link_is_erased_after_sending_and_renewed_on_resend(forum, program, mailoutbox):
    attendee(forum, [program["early"]])
    panel_services.cancel_panel(panel=program["early"])
    [message] = _sent()
    link = message.context["manage_url"]
    deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT, message.last_error
    assert link in mailoutbox[0].body
    assert message.context["manage_url"] == REDACTED_LINK
    OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxMessage.State.FAILED)
    resend_one(message_id=message.pk)
    message.refresh_from_db()
    fresh = message.context["manage_url"]
    assert fresh not in (REDACTED_LINK, link)
    token = fresh.rstrip("/").rsplit("/", 1)[-1]
    assert selectors.registration_for_token(token=token) is not None
