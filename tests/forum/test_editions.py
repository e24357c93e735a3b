import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from forum import services
from forum.errors import ForumError
from forum.models import Forum, Theme
from forum.standard_themes import STANDARD_THEMES
from tests.factories import ForumFactory, RoomFactory

pytestmark = pytest.mark.django_db


def test_new_forum_gets_the_five_standard_themes_named_in_four_languages():
    forum = ForumFactory()
    themes = list(forum.themes.order_by("order"))
    assert [theme.code for theme in themes] == ["ecosystem", "cii", "startups", "education", "ots"]
    for theme, spec in zip(themes, STANDARD_THEMES, strict=True):
        for language in settings.LANGUAGE_CODES:
            assert getattr(theme, f"name_{language}") == spec["name"][language]
    assert forum.themes.get(code="cii").name_en == "Critical information infrastructure (CII) security"
    assert "Turkic States (OTS)" in forum.themes.get(code="ots").name_en


@pytest.mark.parametrize("active", ["en", "ru", "tr", "az"])
def test_theme_names_do_not_depend_on_the_language_active_when_the_forum_is_created(active):
    from django.utils import translation

    with translation.override(active):
        forum = ForumFactory()
    for theme, spec in zip(forum.themes.order_by("order"), STANDARD_THEMES, strict=True):
        for language in settings.LANGUAGE_CODES:
            assert getattr(theme, f"name_{language}") == spec["name"][language]


def test_ensuring_themes_twice_adds_nothing_and_keeps_edits():
    forum = ForumFactory()
    theme = forum.themes.get(code="startups")
    theme.colour = "#000000"
    theme.save()
    assert services.ensure_standard_themes(forum=forum) == []
    assert forum.themes.count() == 5
    assert forum.themes.get(code="startups").colour == "#000000"


def test_forum_with_last_day_before_first_is_refused_and_nothing_is_written():
    with pytest.raises(ForumError) as error:
        ForumFactory(start_date=datetime.date(2027, 5, 2), end_date=datetime.date(2027, 5, 1))
    assert "end_date" in error.value.fields
    assert Forum.objects.count() == 0
    assert Theme.objects.count() == 0


def test_forum_timezone_and_country_have_defaults():
    forum = ForumFactory()
    assert forum.timezone == "Asia/Baku"
    assert forum.host_country.code == "AZ"
    assert forum.starts_at.utcoffset() == datetime.timedelta(hours=4)


def test_unknown_timezone_is_refused():
    with pytest.raises(ForumError) as error:
        ForumFactory(timezone="Mars/Olympus")
    assert "timezone" in error.value.fields


def test_room_with_unknown_interpretation_language_is_refused(forum):
    with pytest.raises(ForumError):
        services.create_room(forum=forum, name="Hall", capacity=10, interpretation_languages=["xx"])
    assert forum.rooms.count() == 0


def test_copying_an_edition_shifts_dates_and_copies_rooms_and_themes():
    source = ForumFactory(slug="ncf-2026", start_date=datetime.date(2026, 10, 6), end_date=datetime.date(2026, 10, 7))
    RoomFactory(forum=source, name={"az": "Böyük zal", "en": "Main Hall"}, capacity=500)
    RoomFactory(forum=source, name="Zal B", capacity=80, interpretation_languages=["ru"])
    ots = source.themes.get(code="ots")
    ots.colour = "#123456"
    ots.save()

    copy = services.copy_forum(source=source, start_date=datetime.date(2027, 10, 5))

    assert copy.slug == "ncf-2027"
    assert copy.edition == source.edition + 1
    assert copy.year == 2027
    assert (copy.start_date, copy.end_date) == (datetime.date(2027, 10, 5), datetime.date(2027, 10, 6))
    assert copy.status == Forum.Status.DRAFT
    assert copy.registration_opens_at - source.registration_opens_at == datetime.timedelta(days=364)
    assert sorted(copy.rooms.values_list("name_az", "capacity")) == sorted(
        source.rooms.values_list("name_az", "capacity")
    )
    assert copy.rooms.get(name_az="Zal B").interpretation_languages == ["ru"]
    assert copy.themes.count() == 5
    assert copy.themes.get(code="ots").colour == "#123456"
    assert copy.name_ru == source.name_ru
    # the source is untouched
    assert source.rooms.count() == 2


def test_copying_onto_an_existing_slug_is_refused_and_writes_nothing():
    source = ForumFactory(slug="ncf-2026")
    ForumFactory(slug="ncf-2027")
    before = Forum.objects.count()
    with pytest.raises(ForumError) as error:
        services.copy_forum(source=source, start_date=datetime.date(2027, 10, 5))
    assert error.value.code == "duplicate_slug"
    assert Forum.objects.count() == before


def test_organizers_group_can_manage_every_forum_model():
    codenames = set(Group.objects.get(name="Organizers").permissions.values_list("codename", flat=True))
    for model in ("forum", "room", "theme", "speaker", "outboxmessage"):
        assert {f"add_{model}", f"change_{model}", f"delete_{model}", f"view_{model}"} <= codenames
