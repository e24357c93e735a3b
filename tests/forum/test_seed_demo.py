import pytest
from django.apps import apps
from django.core.management import call_command

from forum.models import Forum

pytestmark = pytest.mark.django_db


def _snapshot():
    """Every row of every project model, so a second run that changes anything shows."""
    rows = {}
    for app_label in ("forum", "panels", "speakers", "visas", "registration", "notifications"):
        for model in apps.get_app_config(app_label).get_models():
            rows[model._meta.label] = sorted(map(repr, model.objects.values_list()))
    return rows


def test_seed_demo_creates_the_second_forum_in_baku():
    call_command("seed_demo", verbosity=0)
    forum = Forum.objects.get(edition=2)
    assert forum.name_en == "2nd National Cybersecurity Forum"
    assert forum.city_en == "Baku"
    assert len(forum.days) == 2
    assert forum.rooms.count() == 3
    assert forum.themes.count() == 5
    assert forum.status == Forum.Status.PUBLISHED


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", verbosity=0)
    first = _snapshot()
    call_command("seed_demo", verbosity=0)
    assert _snapshot() == first
