import pytest
from django.test import Client
from django.urls import reverse

from forum.models import Forum
from panels import services
from panels.models import Panel, ScheduleChange
from tests.factories import ForumFactory, PanelFactory, SpeakerFactory, UserFactory
from tests.panels.conftest import at, placed

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(forum, hall, side_room, speaker):
    cii = forum.themes.get(code="cii")
    startups = forum.themes.get(code="startups")
    quiet = SpeakerFactory(first_name="Orxan", last_name="Quliyev", publish_consent=False)
    return {
        "opening": placed(
            forum, hall, 0, "10:00", "11:00", speakers=[speaker], publish=True, theme=cii,
            title={"az": "Kritik infrastruktur", "en": "Critical infrastructure"},
        ),
        "startups": placed(
            forum, side_room, 1, "14:00", "15:00", speakers=[quiet], publish=True, theme=startups,
            title={"az": "Startaplar", "en": "Startups"}, language="en", interpretation=True,
        ),
        "draft": PanelFactory(forum=forum, title={"az": "Gizli qaralama", "en": "Secret draft"}),
        "scheduled": placed(forum, hall, 1, "10:00", "11:00", title={"az": "Hələ dərc olunmayıb"}),
    }  # fmt: skip


def get(client, url, lang="en", **params):
    client.cookies["django_language"] = lang
    return client.get(url, params)


def test_program_shows_only_published_panels_in_forum_local_time(client, forum, program, speaker):
    response = get(client, reverse("panels:program", args=[forum.slug]))
    assert response.status_code == 200
    html = response.content.decode() + get(client, reverse("panels:program", args=[forum.slug]),
                                           day=forum.days[1].isoformat()).content.decode()  # fmt: skip
    assert "Critical infrastructure" in html and "Startups" in html
    assert "Secret draft" not in html and "Hələ dərc olunmayıb" not in html
    assert ">10:00</time>" in html and ">14:00</time>" in html  # Baku time, not UTC (06:00)
    assert "Main Hall" in html
    assert "#b3261e" in html  # the CII theme's colour
    assert f'href="/forums/{forum.slug}/speakers/{speaker.pk}/"' in html
    assert speaker.email not in html
    assert f'href="/forums/{forum.slug}/panels/{program["opening"].pk}/"' in html


def test_speakers_without_consent_are_named_but_not_linked(client, forum, program):
    quiet = program["startups"].participations.get().speaker
    html = get(client, reverse("panels:program", args=[forum.slug]), day=forum.days[1].isoformat()).content.decode()
    assert "Orxan Quliyev" in html
    assert f"/speakers/{quiet.pk}/" not in html


@pytest.mark.parametrize(
    ("params", "present", "absent"),
    [
        ({"theme": "startups"}, "Startups", "Critical infrastructure"),
        ({"language": "en"}, "Startups", "Critical infrastructure"),
        ({"day": "DAY0"}, "Critical infrastructure", "Startups"),
        ({"room": "HALL"}, "Critical infrastructure", "Startups"),
    ],
)
def test_program_filters(client, forum, program, hall, params, present, absent):
    params = {
        key: {"DAY0": forum.days[0].isoformat(), "HALL": str(hall.pk)}.get(value, value)
        for key, value in params.items()
    }
    html = get(client, reverse("panels:program", args=[forum.slug]), **params).content.decode()
    assert present in html and absent not in html


def test_a_bad_filter_is_ignored_with_a_notice_and_the_program_shows(client, forum, program):
    response = get(client, reverse("panels:program", args=[forum.slug]), day="2001-01-01")
    assert response.status_code == 200
    assert "were ignored" in response.content.decode() and "Critical infrastructure" in response.content.decode()


def test_program_speaks_the_visitors_language(client, forum, program):
    html = get(client, reverse("panels:program", args=[forum.slug]), lang="ru").content.decode()
    assert "Программа" in html and "Все" in html


def test_cancelled_panel_the_public_saw_stays_in_the_program_marked_cancelled(client, forum, program):
    services.cancel_panel(panel=program["opening"])
    html = get(client, reverse("panels:program", args=[forum.slug])).content.decode()
    assert "Critical infrastructure" in html and "is-cancelled" in html


def test_draft_forum_program_is_hidden_from_the_public(client):
    forum = ForumFactory(status=Forum.Status.DRAFT)
    assert client.get(reverse("panels:program", args=[forum.slug])).status_code == 404


def test_panel_page_shows_the_panel_and_its_speakers(client, forum, program, speaker):
    panel = program["opening"]
    response = get(client, reverse("panels:detail", args=[forum.slug, panel.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Critical infrastructure" in html and "Leyla Aliyeva" in html and "Main Hall" in html
    assert "10:00" in html and "Asia/Baku" in html
    assert reverse("panels:panel-ics", args=[forum.slug, panel.pk]) in html
    assert speaker.email not in html


def test_panel_page_of_a_draft_is_404_for_the_public_and_visible_to_staff(organizer_client, forum, program):
    url = reverse("panels:detail", args=[forum.slug, program["draft"].pk])
    assert Client().get(url).status_code == 404
    organizer_client.cookies["django_language"] = "en"
    response = organizer_client.get(url)
    assert response.status_code == 200
    assert "Not public: this panel is draft." in response.content.decode()


def test_panel_drafts_stay_hidden_from_staff_outside_the_organizers_group(client, forum, program):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("panels:detail", args=[forum.slug, program["draft"].pk])).status_code == 404
    assert "Secret draft" not in client.get(f"/api/v1/panels/?forum={forum.slug}&page_size=200").content.decode()


def test_forum_page_links_to_the_program(client, forum):
    html = client.get(forum.get_absolute_url()).content.decode()
    assert f'href="/forums/{forum.slug}/program/"' in html


# --- organizer grid ------------------------------------------------------------------------


def grid_url(forum):
    return reverse("panels:organizer-schedule", args=[forum.slug])


def action_url(forum, panel, action):
    return reverse("panels:organizer-action", args=[forum.slug, panel.pk, action])


def slot(panel, day, start, end, room):
    prefix = f"p{panel.pk}"
    return {f"{prefix}-day": day.isoformat(), f"{prefix}-start": start, f"{prefix}-end": end, f"{prefix}-room": room.pk}


def test_grid_sends_visitors_to_the_admin_login(client, forum):
    response = client.get(grid_url(forum))
    assert response.status_code == 302
    assert response["Location"].startswith("/organizer/login/")


def test_grid_refuses_a_logged_in_non_staff_user(client, forum):
    client.force_login(UserFactory())
    assert client.get(grid_url(forum)).status_code == 403


def test_grid_sends_anonymous_visitors_to_the_login_page(client, forum):
    response = client.get(grid_url(forum))
    assert response.status_code == 302 and "/organizer/login/" in response["Location"]


def test_grid_shows_days_rooms_and_unscheduled_panels(organizer_client, forum, program):
    organizer_client.cookies["django_language"] = "en"
    response = organizer_client.get(grid_url(forum))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="grid-day"') == 2
    assert "Main Hall" in html and "Side Room" in html
    assert "Secret draft" in html and "Not in the schedule (1)" in html
    # 10:00-11:00 on a 09:00 grid of 5-minute rows: rows 14 to 26 (row 1 is the header).
    assert "grid-row: 14 / 26; grid-column: 2" in html
    assert action_url(forum, program["draft"], "schedule") in html
    assert "Publish 1 scheduled panel" in html


def test_grid_cells_carry_the_day_room_and_time_a_drop_fills_in(organizer_client, forum, program, hall, side_room):
    long_one = placed(forum, side_room, 0, "16:00", "17:30")
    organizer_client.cookies["django_language"] = "en"
    html = organizer_client.get(grid_url(forum)).content.decode()
    assert f'data-day="{forum.days[1].isoformat()}"' in html
    # The script lays out a cell per room and five minutes from the rows' times (09:00 to 18:00,
    # from row 2 on: row 1 holds the rooms) and the rooms' columns.
    times = html.split('data-times="', 1)[1].split('"', 1)[0].split()
    assert len(times) == 108 and times[:3] == ["09:00", "09:05", "09:10"] and times[-1] == "17:55"
    assert 'class="schedule-days" data-first-row="2"' in html
    assert html.count(f'class="grid-room" data-room="{hall.pk}" data-column="2"') == 2
    # The length a drop keeps: the panel's own, or an hour for a panel without a time.
    assert f'id="panel-{long_one.pk}" data-panel="{long_one.pk}" data-minutes="90"' in html
    assert f'id="panel-{program["draft"].pk}" data-panel="{program["draft"].pk}" data-minutes="60"' in html
    assert 'src="/static/panels/schedule-grid.js" defer' in html
    assert 'id="schedule-drag-help" class="visually-hidden" hidden' in html
    # The keyboard's way: each form gets a "Move…" button and the keys, both hidden until the
    # script runs; the words it reads out come from the page, in the organizer's language.
    assert f'class="move-start" data-panel="{long_one.pk}"' in html and "Move…</button>" in html
    assert 'id="schedule-move-keys" hidden' in html
    assert 'id="schedule-move-status" aria-live="polite"' in html
    assert 'data-move-position="{room}, {day}, {start}–{end}"' in html
    assert f'data-room="{side_room.pk}" data-start="16:00" data-end="17:30"' in html
    assert 'data-name="Main Hall"' in html


@pytest.mark.parametrize(
    ("language", "button", "cancelled"),
    [
        ("az", "Köçür…", "Köçürmə ləğv edildi."),
        ("ru", "Перенести…", "Перенос отменён."),
        ("tr", "Taşı…", "Taşıma iptal edildi."),
    ],
)
@pytest.mark.usefixtures("program")
def test_the_keyboard_move_speaks_the_organizers_language(organizer_client, forum, language, button, cancelled):
    organizer_client.cookies["django_language"] = language
    html = organizer_client.get(grid_url(forum)).content.decode()
    assert f"{button}</button>" in html
    assert f'data-move-cancelled="{cancelled}"' in html
    assert "Page Up" in html and "Arrow keys" not in html


def test_scheduling_through_the_grid_form_works_without_javascript(organizer_client, organizer, forum, program, hall):
    draft = program["draft"]
    response = organizer_client.post(
        action_url(forum, draft, "schedule"), slot(draft, forum.days[0], "15:00", "16:00", hall)
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#panel-{draft.pk}")
    draft.refresh_from_db()
    assert draft.status == Panel.Status.SCHEDULED and draft.start == at(forum, 0, "15:00") and draft.room == hall
    assert ScheduleChange.objects.filter(panel=draft, action="scheduled", actor=organizer).exists()


def test_a_conflict_is_shown_beside_the_panel_that_caused_it(organizer_client, forum, program, hall):
    organizer_client.cookies["django_language"] = "en"
    draft = program["draft"]
    response = organizer_client.post(
        action_url(forum, draft, "schedule"), slot(draft, forum.days[0], "10:30", "11:30", hall)
    )
    assert response.status_code == 409
    html = response.content.decode()
    article = html.split(f'id="panel-{draft.pk}"', 1)[1].split("</article>", 1)[0]
    assert 'data-code="room_booked"' in article
    assert "Main Hall is already booked" in article and "Critical infrastructure" in article
    assert 'value="10:30"' in article  # the organizer's input is kept for correction
    draft.refresh_from_db()
    assert draft.status == Panel.Status.DRAFT


def test_malformed_grid_input_is_a_400(organizer_client, forum, program, hall):
    draft = program["draft"]
    data = slot(draft, forum.days[0], "25:99", "11:30", hall)
    response = organizer_client.post(action_url(forum, draft, "schedule"), data)
    assert response.status_code == 400
    data = slot(draft, forum.days[0], "10:30", "11:30", hall)
    data[f"p{draft.pk}-room"] = 999999
    assert organizer_client.post(action_url(forum, draft, "schedule"), data).status_code == 400
    draft.refresh_from_db()
    assert draft.start is None


def test_move_publish_unschedule_and_cancel_from_the_grid(organizer_client, forum, program, side_room):
    panel = program["scheduled"]
    organizer_client.post(action_url(forum, panel, "move"), slot(panel, forum.days[1], "16:00", "17:00", side_room))
    panel.refresh_from_db()
    assert panel.room == side_room and panel.start == at(forum, 1, "16:00")
    organizer_client.post(action_url(forum, panel, "publish"))
    panel.refresh_from_db()
    assert panel.status == Panel.Status.PUBLISHED
    organizer_client.post(action_url(forum, panel, "unschedule"), {"confirmed": "yes"})
    panel.refresh_from_db()
    assert panel.status == Panel.Status.DRAFT and panel.start is None
    organizer_client.post(action_url(forum, panel, "cancel"), {"confirmed": "yes"})
    panel.refresh_from_db()
    assert panel.status == Panel.Status.CANCELLED


def test_publish_all_from_the_grid(organizer_client, forum, program):
    response = organizer_client.post(reverse("panels:organizer-publish-all", args=[forum.slug]))
    assert response.status_code == 302
    assert Panel.objects.get(pk=program["scheduled"].pk).status == Panel.Status.PUBLISHED


def test_grid_actions_need_a_post(organizer_client, forum, program):
    assert organizer_client.get(action_url(forum, program["draft"], "publish")).status_code == 405


def test_grid_shows_standing_conflicts(organizer_client, forum, program):
    forum.day_closes_at = forum.day_closes_at.replace(hour=12)
    forum.save()
    organizer_client.cookies["django_language"] = "en"
    html = organizer_client.get(grid_url(forum)).content.decode()
    article = html.split(f'id="panel-{program["startups"].pk}"', 1)[1].split("</article>", 1)[0]
    assert "Conflicts in the current schedule" in article and 'data-code="outside_opening_hours"' in article


def test_admin_pages_render_and_a_busy_speaker_added_inline_is_refused(admin_client, forum, program, speaker):
    admin_client.cookies["django_language"] = "en"
    assert admin_client.get("/admin/panels/panel/").status_code == 200
    assert admin_client.get("/admin/panels/schedulechange/").status_code == 200
    busy_elsewhere = program["scheduled"]  # day 2, 10:00-11:00 in the hall
    services.add_participant(panel=program["startups"], speaker=SpeakerFactory())
    clash = placed(forum, program["startups"].room, 1, "10:30", "11:30")
    services.add_participant(panel=busy_elsewhere, speaker=speaker)
    url = f"/admin/panels/panel/{clash.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and not hasattr(value, "pk")}
    data.update({"forum": forum.pk, "theme": clash.theme_id or "", "format": clash.format, "language": clash.language})
    data.update({f"title_{lang}": getattr(clash, f"title_{lang}") or "" for lang in ("az", "en", "ru", "tr")})
    data.update({f"description_{lang}": "" for lang in ("az", "en", "ru", "tr")})
    data.update(
        {
            "participations-TOTAL_FORMS": "1", "participations-INITIAL_FORMS": "0",
            "participations-MIN_NUM_FORMS": "0", "participations-MAX_NUM_FORMS": "1000",
            "participations-0-speaker": speaker.pk, "participations-0-role": "panelist", "participations-0-order": "0",
        }
    )  # fmt: skip
    response = admin_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert not clash.participations.filter(speaker=speaker).exists()
    assert "Leyla Aliyeva is already on" in response.content.decode()
