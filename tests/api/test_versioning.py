import datetime

import pytest

from forum.api import ForumViewSet

pytestmark = pytest.mark.django_db


def test_v1_answers_carry_the_api_version(client, forum):
    response = client.get("/api/v1/forums/")
    assert response["API-Version"] == "1"
    assert "Deprecation" not in response


def test_a_deprecated_view_announces_its_sunset_in_headers(client, forum, monkeypatch):
    monkeypatch.setattr(
        ForumViewSet,
        "deprecation",
        {"sunset": datetime.date(2027, 12, 31), "link": "https://forum.example/api/v2/forums/"},
        raising=False,
    )
    response = client.get("/api/v1/forums/")
    assert response.status_code == 200
    assert response["Deprecation"] == "true"
    assert response["Sunset"] == "Fri, 31 Dec 2027 00:00:00 GMT"
    assert response["Link"] == '<https://forum.example/api/v2/forums/>; rel="deprecation"'
