"""Two web nodes behave as one site: a session or CSRF token made by one is good on the other, a
rate limit is counted once for both (and a forged X-Forwarded-For resets nothing, through nginx or
straight to a node), and the program cached by one node is served by the other until an edit made
through either invalidates it for both."""

import re

from rest_framework.authtoken.models import Token

from panels import services as panel_services
from panels.models import Panel
from tests.cluster.conftest import CLUSTER_TEST, upstreams
from tests.factories import ForumFactory, PanelFactory, RoomFactory
from tests.panels.conftest import at

pytestmark = CLUSTER_TEST

FAKE = "z" * 43
RSVP_LIMIT = 10  # RSVP_RATE_LIMIT in the cluster's environment (tests/cluster/conftest.py)


def _csrf_from(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_a_session_and_csrf_token_from_one_node_work_on_the_other(cluster, organizer_user):
    web1, web2 = cluster.node("web1"), cluster.node("web2")
    login_page = web1.get("/organizer/login/")
    assert login_page.status_code == 200
    token = _csrf_from(login_page.text)
    # The sign-in form fetched from web1 is posted to web2, with web1's cookie and token.
    web2.cookies = dict(web1.cookies)
    logged_in = web2.post(
        "/organizer/login/?next=/organizer/",
        data={"username": organizer_user.username, "password": "correct-horse-battery", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{cluster.url}/organizer/login/", "Origin": cluster.url},
    )
    assert logged_in.status_code == 302, logged_in.text[:500]
    assert "sessionid" in web2.cookies
    # The session written by web2 is read by web1: the organizer's editions, not the sign-in page.
    web1.cookies = dict(web2.cookies)
    editions = web1.get("/organizer/")
    assert editions.status_code == 200
    assert 'name="password"' not in editions.text
    # A POST to web1 with a token from a page web2 rendered passes CSRF.
    web2.cookies = dict(web1.cookies)
    page = web2.get("/organizer/")
    logout = web1.post(
        "/organizer/logout/",
        data={"csrfmiddlewaretoken": _csrf_from(page.text)},
        headers={"Referer": f"{cluster.url}/organizer/", "Origin": cluster.url},
    )
    assert logout.status_code in (200, 302), logout.status_code
    signed_out = web2.get("/organizer/")
    assert signed_out.status_code == 302 and "/organizer/login/" in signed_out.headers["Location"]
    # And a forged token is refused by either node.
    refused = web2.post(
        "/organizer/login/",
        data={"username": "x", "password": "y", "csrfmiddlewaretoken": "forged" * 10},
        headers={"Referer": f"{cluster.url}/organizer/login/", "Origin": cluster.url},
    )
    assert refused.status_code == 403


def _forged(index):
    return {"X-Forwarded-For": f"203.0.113.{index}, 198.51.100.{index}"}


def test_a_page_limit_is_counted_once_for_both_nodes_and_a_forged_header_resets_nothing(cluster):
    cluster.reset_limits()
    log_before = len(cluster.access_log())
    statuses = []
    with cluster.session() as session:
        for index in range(RSVP_LIMIT + 5):
            statuses.append(session.get(f"{cluster.url}/rsvp/{FAKE}/", headers=_forged(index), timeout=30).status_code)
    assert statuses.count(404) == RSVP_LIMIT, statuses
    assert statuses[RSVP_LIMIT:] == [429] * 5
    served = upstreams(e for e in cluster.access_log()[log_before:] if e["uri"] == f"/rsvp/{FAKE}/")
    assert len(set(served)) == 2, f"both nodes answered: {served}"

    # Straight to a node, past nginx, the forged header is not believed either: the budget is
    # the same one (this client's address), already spent.
    for name in cluster.cluster.web_nodes:
        direct = cluster.node(name).get(f"/rsvp/{FAKE}/", headers=_forged(77))
        assert direct.status_code == 429, (name, direct.status_code)


def test_a_mixed_burst_to_nginx_and_to_each_node_gets_exactly_one_budget(cluster):
    cluster.reset_limits()
    statuses = []
    with cluster.session() as session:
        for index in range(RSVP_LIMIT + 6):
            if index % 3 == 0:
                response = session.get(f"{cluster.url}/rsvp/{FAKE}/", headers=_forged(index), timeout=30)
            else:
                response = cluster.node(cluster.cluster.web_nodes[index % 2]).get(
                    f"/rsvp/{FAKE}/", headers=_forged(index)
                )
            statuses.append(response.status_code)
    assert statuses.count(404) == RSVP_LIMIT, statuses
    assert statuses.count(429) == 6


def test_the_api_login_throttle_holds_across_nodes_with_forged_headers(cluster, organizer_user):
    cluster.reset_limits()
    statuses = []
    with cluster.session() as session:
        for index in range(7):
            response = session.post(
                f"{cluster.url}/api/v1/auth/token/",
                data={"username": organizer_user.username, "password": f"guess-{index}"},
                headers=_forged(index),
                timeout=30,
            )
            statuses.append(response.status_code)
    # Two limits guard the API login, both shared by the nodes: the throttle (THROTTLE_LOGIN=5/hour
    # in the cluster) and the account lockout (django-axes, locked at the fifth failure). Whichever
    # fires first, forged headers and a second node do not buy a sixth guess.
    assert statuses[:4] == [400] * 4
    assert statuses[5:] == [429] * 2
    assert statuses[4] in (400, 429)


def _program(node, forum):
    response = node.get(f"/forums/{forum.slug}/program/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response.text


def test_the_program_cached_by_one_node_is_served_by_the_other_and_an_edit_clears_it_for_both(cluster, organizer_user):
    forum = ForumFactory()
    room = RoomFactory(forum=forum)
    panel = PanelFactory(forum=forum, title={"az": "Ilk ad", "en": "First title"})
    panel = panel_services.schedule_panel(
        panel=panel, room=room, start=at(forum, 0, "10:00"), end=at(forum, 0, "11:00")
    ).panel
    panel_services.publish_panel(panel=panel)
    web1, web2 = cluster.node("web1"), cluster.node("web2")

    assert "First title" in _program(web1, forum)  # rendered by web1, stored in the shared cache
    # Changed behind the application's back (no version stamp moves): only a node that reads
    # the shared cache can still show the old title.
    Panel.objects.filter(pk=panel.pk).update(title_en="Changed behind the cache")
    assert "First title" in _program(web2, forum)

    # An edit through the API on web2 (the panel taken off the program) moves the program's
    # version: both nodes show the change at once.
    token = Token.objects.create(user=organizer_user)
    edit = web2.post(f"/api/v1/panels/{panel.pk}/unschedule/", headers={"Authorization": f"Token {token.key}"})
    assert edit.status_code == 200, edit.text[:500]
    for node in (web1, web2):
        page = _program(node, forum)
        assert "First title" not in page
        assert "Changed behind the cache" not in page
