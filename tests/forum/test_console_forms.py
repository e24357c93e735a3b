"""Editions, rooms and themes as the console edits them: forms in the organizer's language, rules
in the services."""

import datetime

import pytest
from django.utils import translation

from forum import services
from forum.errors import ForumError
from forum.forms import CopyForumForm, ForumDateTimeField, ForumForm, RoomForm, ThemeForm
from forum.models import Forum
from tests.factories import ForumFactory, RoomFactory

pytestmark = pytest.mark.django_db


def _forum_data(**overrides):
    data = {
        "name_az": "3-cü Milli Kibertəhlükəsizlik Forumu",
        "name_en": "3rd National Cybersecurity Forum",
        "slug": "ncf-2028",
        "edition": "3",
        "start_date": "2028-10-10",
        "end_date": "2028-10-11",
        "day_opens_at": "09:00",
        "day_closes_at": "18:00",
        "timezone": "Asia/Baku",
        "city_az": "Bakı",
        "capacity": "300",
        "status": "draft",
        "registration_opens_at": "2028-09-01T10:00",
        "registration_closes_at": "2028-10-09T18:00",
    }
    data.update(overrides)
    return data


def test_registration_window_typed_in_the_form_is_forum_time():
    form = ForumForm(data=_forum_data())
    assert form.is_valid(), form.errors
    forum = services.create_forum(**form.service_kwargs())
    assert forum.registration_opens_at == datetime.datetime(2028, 9, 1, 6, 0, tzinfo=datetime.UTC)
    assert forum.name_en == "3rd National Cybersecurity Forum"
    assert forum.themes.count() == 5


def test_forum_form_speaks_the_organizers_language():
    with translation.override("ru"):
        form = ForumForm(data=_forum_data(end_date="2028-10-01"))
        assert not form.is_valid()
        assert form.errors["end_date"] == ["Последний день не может быть раньше первого."]


def test_editing_an_edition_keeps_its_themes_and_refuses_another_editions_slug():
    forum = ForumFactory()
    other = ForumFactory()
    form = ForumForm(data=_forum_data(slug=other.slug), instance=forum)
    assert form.is_valid(), form.errors
    with pytest.raises(ForumError) as error:
        services.update_forum(forum=forum, **form.service_kwargs())
    assert error.value.code == "duplicate_slug"
    form = ForumForm(data=_forum_data(slug="renamed"), instance=forum)
    assert form.is_valid()
    services.update_forum(forum=forum, **form.service_kwargs())
    forum.refresh_from_db()
    assert forum.slug == "renamed" and forum.city_az == "Bakı" and forum.themes.count() == 5


def test_edit_form_shows_stored_times_in_forum_time():
    forum = ForumFactory(
        start_date=datetime.date(2028, 10, 10),
        registration_opens_at=datetime.datetime(2028, 9, 1, 6, 0, tzinfo=datetime.UTC),
    )
    form = ForumForm(instance=forum)
    assert 'value="2028-09-01T10:00"' in str(form["registration_opens_at"])


def test_copy_asks_for_a_new_name_and_refuses_last_years():
    source = ForumFactory(name={"az": "Forum 2027"})
    data = {"name_az": "forum 2027", "start_date": "2028-10-10", "end_date": "2028-10-11", "slug": "ncf-2028"}
    form = CopyForumForm(source=source, data={**data, "edition": "4"})
    assert not form.is_valid()
    assert "name_az" in form.errors
    assert Forum.objects.count() == 1


def test_copy_creates_the_edition_with_the_name_dates_and_slug_given():
    source = ForumFactory()
    RoomFactory(forum=source, name="Hall A")
    form = CopyForumForm(source=source, data={"name_az": "Forum 2028", "name_en": "Forum 2028 (en)",
                                              "start_date": "2028-10-10", "end_date": "2028-10-12",
                                              "slug": "ncf-2028", "edition": "9"})  # fmt: skip
    assert form.is_valid(), form.errors
    copy = services.copy_forum(source=source, **form.service_kwargs())
    assert (copy.name_az, copy.name_en, copy.slug, copy.edition) == ("Forum 2028", "Forum 2028 (en)", "ncf-2028", 9)
    assert (copy.start_date, copy.end_date) == (datetime.date(2028, 10, 10), datetime.date(2028, 10, 12))
    assert list(copy.rooms.values_list("name_az", flat=True)) == ["Hall A"]
    assert copy.status == Forum.Status.DRAFT


def test_copy_form_suggests_next_years_dates_and_slug():
    source = ForumFactory(slug="ncf-2027", start_date=datetime.date(2027, 10, 12), end_date=datetime.date(2027, 10, 13))
    form = CopyForumForm(source=source)
    assert form.initial["start_date"] == datetime.date(2028, 10, 10)
    assert form.initial["end_date"] == datetime.date(2028, 10, 11)
    assert form.initial["slug"] == "ncf-2028"
    assert form.initial.get("name_az") is None


def test_rooms_are_created_and_edited_and_a_second_room_of_the_same_name_is_refused():
    forum = ForumFactory()
    form = RoomForm(data={"name_az": "Zal A", "name_en": "Hall A", "capacity": "120",
                          "interpretation_languages": ["az", "en"]})  # fmt: skip
    assert form.is_valid(), form.errors
    room = services.create_room(forum=forum, **form.service_kwargs())
    assert (room.name_en, room.capacity, room.interpretation_languages) == ("Hall A", 120, ["az", "en"])
    with pytest.raises(ForumError) as error:
        services.create_room(forum=forum, **form.service_kwargs())
    assert error.value.fields == {"name": ["taken"]}
    services.update_room(room=room, capacity=80, name={"az": "Zal B"})
    room.refresh_from_db()
    assert (room.capacity, room.name_az, room.name_en) == (80, "Zal B", "Hall A")


def test_themes_are_created_with_a_unique_code_and_a_valid_colour():
    forum = ForumFactory()
    assert not ThemeForm(data={"name_az": "AI", "code": "ai", "colour": "red"}).is_valid()
    form = ThemeForm(data={"name_az": "Süni intellekt", "code": "ai", "colour": "#AA0000"})
    assert form.is_valid(), form.errors
    theme = services.create_theme(forum=forum, **form.service_kwargs())
    assert theme.colour == "#aa0000" and forum.themes.count() == 6
    with pytest.raises(ForumError) as error:
        services.create_theme(forum=forum, **form.service_kwargs())
    assert error.value.code == "duplicate_theme"
    services.update_theme(theme=theme, name={"en": "Artificial intelligence"})
    theme.refresh_from_db()
    assert theme.name_en == "Artificial intelligence" and theme.name_az == "Süni intellekt"


def test_forum_datetime_field_reads_wall_clock_time_of_the_given_zone():
    import zoneinfo

    field = ForumDateTimeField(tz=zoneinfo.ZoneInfo("Europe/Istanbul"))
    value = field.clean("2028-03-01T09:30")
    assert value.astimezone(datetime.UTC) == datetime.datetime(2028, 3, 1, 6, 30, tzinfo=datetime.UTC)
    with pytest.raises(Exception):  # noqa: B017 - a ValidationError, in the organizer's language
        field.clean("yesterday")
