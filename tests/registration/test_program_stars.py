"""Stars on the program: an attendee who opened their personal link in a browser adds panels to
their agenda from the program and panel pages; the choice is kept on the registration (so it
follows them to any device where they open the link) and overlaps are flagged."""

import pytest
from django.test import Client
from django.urls import reverse

from registration import services
from registration.errors import RegistrationError
from tests.factories import RoomFactory, register_attendee
from tests.registration.test_agenda import published

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(forum):
    return RoomFactory(forum=forum, name={"az": "Zal", "en": "Hall"})


@pytest.fixture
def panels(forum, room):
    other = RoomFactory(forum=forum, name={"az": "Otaq", "en": "Room B"})
    return [
        published(forum, room, 0, "10:00", "11:00", title={"az": "Birinci", "en": "First"}),
        published(forum, other, 0, "10:30", "11:30", title={"az": "İkinci", "en": "Second"}),
        published(forum, room, 0, "12:00", "13:00", title={"az": "Üçüncü", "en": "Third"}),
    ]


@pytest.fixture
def attendee(forum):
    return register_attendee(forum)


def browser(lang="en"):
    client = Client()
    client.cookies["django_language"] = lang
    return client


def open_link(client, attendee):
    assert client.get(reverse("registration:manage", args=[attendee.raw_token])).status_code == 200
    return client


def program(client, forum):
    return client.get(reverse("panels:program", args=[forum.slug])).content.decode()


def star(client, forum, panel, starred=True):
    data = {"panel": panel.pk, "starred": "1" if starred else "0", "next": f"/forums/{forum.slug}/program/"}
    return client.post(reverse("registration:agenda-star", args=[forum.slug]), data)


def test_a_visitor_without_a_personal_link_sees_no_stars(client, forum, panels):
    assert "Add to my agenda" not in program(client, forum)


def test_starring_from_the_program_is_kept_on_the_registration_and_shown_on_another_device(forum, panels, attendee):
    laptop = open_link(browser(), attendee)
    assert program(laptop, forum).count("Add to my agenda") == 3
    response = star(laptop, forum, panels[0])
    assert response.status_code == 302 and response["Location"].endswith(f"#panel-{panels[0].pk}")
    assert set(attendee.panels.values_list("pk", flat=True)) == {panels[0].pk}
    phone = open_link(browser(), attendee)
    page = program(phone, forum)
    assert page.count("In my agenda") == 1 and page.count("Add to my agenda") == 2
    star(phone, forum, panels[0], starred=False)
    assert not attendee.panels.exists()


def test_overlapping_starred_panels_are_flagged(forum, panels, attendee):
    client = open_link(browser(), attendee)
    for panel in panels:
        star(client, forum, panel)
    page = program(client, forum)
    assert page.count("Overlaps another panel in your agenda") == 2  # the first two, not the third
    detail = client.get(reverse("panels:detail", args=[forum.slug, panels[1].pk])).content.decode()
    assert "In my agenda" in detail and "Overlaps another panel in your agenda" in detail


def test_the_personal_program_is_never_cached_nor_answered_from_a_public_etag(forum, panels, attendee):
    public = browser().get(reverse("panels:program", args=[forum.slug]))
    client = open_link(browser(), attendee)
    response = client.get(reverse("panels:program", args=[forum.slug]), HTTP_IF_NONE_MATCH=public["ETag"])
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    assert "Add to my agenda" in response.content.decode()
    assert "Add to my agenda" not in browser().get(reverse("panels:program", args=[forum.slug])).content.decode()


def test_a_star_without_an_opened_link_changes_nothing(client, forum, panels, attendee):
    response = star(client, forum, panels[0])
    assert response.status_code == 302 and not attendee.panels.exists()


def test_a_star_never_redirects_to_another_site(forum, panels, attendee):
    client = open_link(browser(), attendee)
    data = {"panel": panels[0].pk, "starred": "1", "next": "https://evil.example/"}
    response = client.post(reverse("registration:agenda-star", args=[forum.slug]), data)
    assert response["Location"].startswith(f"/forums/{forum.slug}/program/")


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/", "+1+1", "²", "2026-05-01T10", "program"])
def test_a_star_goes_back_only_to_a_path_of_the_site(forum, panels, attendee, back):
    """Anything else a form posts as "next" (a word Django would take for a view's name was a 500)
    sends the visitor back to the program."""
    client = open_link(browser(), attendee)
    data = {"panel": panels[0].pk, "starred": "1", "next": back}
    response = client.post(reverse("registration:agenda-star", args=[forum.slug]), data)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/forums/{forum.slug}/program/")


def test_a_draft_panel_or_a_bad_id_cannot_be_starred(forum, room, panels, attendee):
    from tests.factories import PanelFactory

    draft = PanelFactory(forum=forum)
    access = attendee.tokens.get()
    for value in (draft.pk, "x", -1, 2**40):
        with pytest.raises(RegistrationError):
            services.star_panel(access_id=access.pk, panel_id=value, starred=True)
    assert not attendee.panels.exists()


def test_a_cancelled_registration_cannot_star(forum, panels, attendee):
    client = open_link(browser(), attendee)
    services.cancel(token=attendee.raw_token)
    star(client, forum, panels[0])
    assert not attendee.panels.exists()
    assert "Add to my agenda" not in program(client, forum)


def test_the_registration_form_groups_panels_by_day_with_time_room_and_theme(client, forum, panels):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("registration:register", args=[forum.slug])).content.decode()
    fieldset = page[page.index('class="field panels"') :]
    assert fieldset.index(forum.days[0].strftime("%Y-%m-%d")) < fieldset.index("First")
    assert ">10:00</time>–11:00</span> First" in fieldset and "· Hall" in fieldset
    assert panels[0].theme.name in fieldset
