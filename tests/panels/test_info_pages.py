"""Terms of participation, privacy notice, contact and venue: written per edition by organizers in
four languages, linked from every page of the edition and from the registration form's consent."""

import pytest
from django.urls import reverse

from panels.models import InfoPage

pytestmark = pytest.mark.django_db


def get(client, url, lang="en"):
    client.cookies["django_language"] = lang
    return client.get(url)


@pytest.fixture
def venue(forum):
    page = InfoPage(forum=forum, kind="venue", title="Məkan", body="Metro: 28 May.", accessibility="Pilləsiz giriş.")
    page.title_en, page.body_en, page.accessibility_en = "Venue", "Metro: 28 May station.", "Step-free entrance."
    page.title_ru = "Место"
    page.save()
    return page


def test_a_page_is_shown_in_the_visitors_language_with_the_azerbaijani_as_fallback(client, forum, venue):
    url = reverse("panels:info", args=[forum.slug, "venue"])
    english = get(client, url).content.decode()
    assert "Venue" in english and "Metro: 28 May station." in english and "Step-free entrance." in english
    russian = get(client, url, "ru").content.decode()
    assert "Место" in russian and "Metro: 28 May." in russian  # no Russian text yet: the Azerbaijani one


@pytest.mark.parametrize("kind", ["terms", "privacy", "contact", "venue"])
def test_a_page_not_written_yet_says_so(client, forum, kind):
    response = get(client, reverse("panels:info", args=[forum.slug, kind]))
    assert response.status_code == 200 and "have not published this page" in response.content.decode()


def test_an_unknown_page_is_a_404(client, forum):
    assert get(client, reverse("panels:info", args=[forum.slug, "secrets"])).status_code == 404


def test_every_page_of_the_edition_links_the_pages_in_its_footer(client, forum):
    for name in ("panels:program", "speakers:list", "registration:register"):
        html = get(client, reverse(name, args=[forum.slug])).content.decode()
        for kind in ("terms", "privacy", "contact", "venue"):
            assert reverse("panels:info", args=[forum.slug, kind]) in html, (name, kind)


def test_the_consent_checkbox_links_the_terms_and_the_privacy_notice(client, forum):
    html = get(client, reverse("registration:register", args=[forum.slug])).content.decode()
    consent = html[html.index('class="field consent') :][:1200]
    assert reverse("panels:info", args=[forum.slug, "terms"]) in consent
    assert reverse("panels:info", args=[forum.slug, "privacy"]) in consent


def test_the_demo_writes_the_four_pages(db):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    pages = InfoPage.objects.filter(forum__slug="ncf-2")
    assert sorted(pages.values_list("kind", flat=True)) == ["contact", "privacy", "terms", "venue"]
    assert all(page.title_tr and page.body_ru for page in pages)
