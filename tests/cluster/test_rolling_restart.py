"""The documented rolling restart of the web nodes (docs/deployment.md, "Upgrades without
downtime", step 2; ``Cluster.rolling_restart``) while visitors keep browsing and signing up through
nginx: not one request fails, nginx never has to retry one on the other node (the drained node is
sent nothing), and both nodes serve again afterwards."""

import threading
import time

import requests

from notifications.models import OutboxMessage
from registration.models import Registration
from tests.cluster.conftest import CLUSTER_TEST, upstreams, wait_for
from tests.factories import ForumFactory, registration_input

pytestmark = CLUSTER_TEST

CLIENTS = 4
SIGN_UP_EVERY = 5  # one request in five is a sign-up (a POST, which nginx never retries)


class Traffic:
    """Visitors sending requests through nginx from CLIENTS threads until stopped.

    Each request goes on a connection of its own: when nginx reloads, its old workers close idle
    keep-alive connections, and a client that reuses one at that very moment sees it reset before
    its request left. Browsers send such a request again by themselves; requests' adapter does not.
    That race is the client's, not the site's, so it is kept out of what this test counts.
    """

    def __init__(self, running, forum):
        self.running = running
        self.forum = forum
        self.results = []  # (finished at, method, path, status or exception name)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.sequence = iter(range(10**9))
        self.threads = [threading.Thread(target=self._client, daemon=True) for _ in range(CLIENTS)]

    def _next(self):
        with self.lock:
            return next(self.sequence)

    def _client(self):
        slug = self.forum.slug
        pages = ("/", f"/forums/{slug}/", f"/forums/{slug}/program/")
        while not self.stop.is_set():
            number = self._next()
            with self.running.session() as session:
                session.headers["Connection"] = "close"
                try:
                    if number % SIGN_UP_EVERY == 0:
                        method, path = "POST", "/api/v1/registrations/"
                        body = {
                            **registration_input(email=f"rolling{self.forum.pk}-{number}@example.org"),
                            "forum": slug,
                        }
                        status = session.post(f"{self.running.url}{path}", json=body, timeout=60).status_code
                    else:
                        method, path = "GET", pages[number % len(pages)]
                        status = session.get(f"{self.running.url}{path}", timeout=60).status_code
                except requests.RequestException as exc:
                    status = exc.__class__.__name__
            with self.lock:
                self.results.append((time.monotonic(), method, path, status))

    def start(self):
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=90)
        assert not any(thread.is_alive() for thread in self.threads)
        return list(self.results)

    def count(self):
        with self.lock:
            return len(self.results)


def test_a_rolling_restart_of_the_web_nodes_loses_no_request_and_both_serve_again(cluster):
    cluster.reset_limits()
    nodes = cluster.cluster
    forum = ForumFactory(capacity=5000)
    pids_before = {name: nodes.pid(name) for name in nodes.web_nodes}
    log_before = len(cluster.access_log())
    steps = []  # (time, node, step)
    traffic = Traffic(cluster, forum)
    traffic.start()
    try:
        deadline = time.monotonic() + 30
        while traffic.count() < 20 and time.monotonic() < deadline:
            time.sleep(0.1)
        began = time.monotonic()
        nodes.rolling_restart(on_step=lambda name, step: steps.append((time.monotonic(), name, step)))
        restarted_in = time.monotonic() - began
        time.sleep(2)  # and a little traffic after the last node is back
    finally:
        results = traffic.finish()

    failed = [result for result in results if result[3] not in (200, 202)]
    posts = [result for result in results if result[1] == "POST"]
    print(
        f"rolling restart of {list(nodes.web_nodes)} in {restarted_in:.1f} s: {len(results)} requests "
        f"({len(posts)} sign-ups), {len(failed)} failed"
    )
    assert failed == [], failed

    # Every node was really restarted, and traffic kept flowing while each one was away: requests
    # finished between its stop and its return.
    pids_after = {name: nodes.pid(name) for name in nodes.web_nodes}
    assert all(pids_after[name] and pids_after[name] != pids_before[name] for name in nodes.web_nodes)
    for name in nodes.web_nodes:
        drained = next(at for at, node, step in steps if node == name and step == "drained")
        back = next(at for at, node, step in steps if node == name and step == "back")
        during = [result for result in results if drained <= result[0] <= back]
        assert len(during) >= 5, f"traffic while {name} was out: {len(during)} requests"
        assert any(result[1] == "POST" for result in during), f"no sign-up while {name} was out"

    # nginx had nothing to retry: each request went to one node, which answered it.
    entries = cluster.access_log_settled(log_before, at_least=len(results))
    assert len(entries) >= len(results)  # (a redirect the client followed is two entries)
    retried = [entry for entry in entries if "," in entry["upstream"] or entry["status"] >= 500]
    assert retried == [], retried

    # Each accepted sign-up is one registration, and its email leaves once, restart or not.
    accepted = sum(1 for result in posts if result[3] == 202)
    registrations = Registration.objects.filter(forum=forum)
    assert registrations.count() == accepted
    rows = OutboxMessage.objects.filter(recipient__in=registrations.values("email"))
    wait_for(
        lambda: rows.count() == accepted and not rows.exclude(state=OutboxMessage.State.SENT).exists(),
        timeout=120,
        message="every sign-up's email sent",
    )
    delivered = cluster.smtp.handler.outbox_ids()
    assert {delivered.get(str(pk)) for pk in rows.values_list("pk", flat=True)} == {1}

    # Both nodes take traffic again.
    log_before = len(cluster.access_log())
    with cluster.session() as session:
        statuses = [session.get(f"{cluster.url}/forums/{forum.slug}/", timeout=30).status_code for _ in range(20)]
    assert statuses == [200] * 20
    served = upstreams(cluster.access_log()[log_before:])
    assert {nodes.node_port(name) for name in nodes.web_nodes} <= set(served), served
