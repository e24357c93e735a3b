"""The registration race through nginx, spread over both web nodes: no seat sold twice, nobody
registered twice, every confirmation email delivered once, and the request id that nginx gave the
sign-up is in the log line of the worker that sent its email."""

from notifications.models import OutboxMessage
from registration.models import Registration
from tests.cluster.conftest import CLUSTER_TEST, run_concurrently, upstreams, wait_for
from tests.factories import ForumFactory, registration_input

pytestmark = CLUSTER_TEST

SEATS = 10
PEOPLE = 36


def _sign_up(running, forum, email):
    body = {**registration_input(email=email), "forum": forum.slug}

    def job():
        with running.session() as session:
            return session.post(f"{running.url}/api/v1/registrations/", json=body, timeout=60)

    return job


def test_the_request_id_goes_from_nginx_to_the_node_and_the_worker_that_sends_the_email(cluster):
    forum = ForumFactory(capacity=5)
    email = f"traced{forum.pk}@example.org"
    with cluster.session() as session:
        response = session.post(
            f"{cluster.url}/api/v1/registrations/",
            json={**registration_input(email=email), "forum": forum.slug},
            headers={"X-Request-ID": "forged-by-the-visitor-0001"},  # nginx replaces it
            timeout=30,
        )
    assert response.status_code == 202, response.text
    request_id = response.headers["X-Request-ID"]
    assert request_id != "forged-by-the-visitor-0001" and len(request_id) == 32
    wait_for(lambda: cluster.smtp.handler.to(email), timeout=60, message="the confirmation email")

    access = [entry for entry in cluster.access_log() if entry["request_id"] == request_id]
    assert [entry["uri"] for entry in access] == ["/api/v1/registrations/"]
    node_lines = [
        line
        for name in cluster.cluster.web_nodes
        for line in cluster.log_lines(name)
        if line.get("request_id") == request_id
    ]
    assert any(line.get("path") == "/api/v1/registrations/" and line.get("status") == 202 for line in node_lines)
    assert all(line.get("client_ip") == "127.0.0.1" for line in node_lines if "client_ip" in line)

    def task_lines():
        return [
            line
            for name in cluster.cluster.workers
            for line in cluster.log_lines(name)
            if line.get("request_id") == request_id
        ]

    lines = wait_for(task_lines, timeout=30, message="the worker's log line with the request id")
    assert any(line.get("task") == "notifications.tasks.deliver_message" for line in lines), lines


def test_racing_sign_ups_through_nginx_on_two_nodes_never_oversell_or_duplicate(cluster):
    forum = ForumFactory(capacity=SEATS)
    log_before = len(cluster.access_log())
    # Everybody at once; a third of them press the button twice, each press a request of its own.
    emails = [f"race{forum.pk}-{n}@example.org" for n in range(PEOPLE)]
    jobs = [_sign_up(cluster, forum, email) for email in emails]
    jobs += [_sign_up(cluster, forum, email.upper()) for email in emails[: PEOPLE // 3]]
    responses, errors = run_concurrently(jobs)

    assert errors == []
    assert sorted({response.status_code for response in responses}) == [202]
    registrations = Registration.objects.filter(forum=forum)
    assert registrations.count() == PEOPLE  # one per person, whatever they pressed
    # Whichever press won is stored (in its case); nobody is missing, nobody is there twice.
    assert sorted(email.lower() for email in registrations.values_list("email", flat=True)) == sorted(emails)
    held = registrations.exclude(status=Registration.Status.WAITLISTED).count()
    assert held == SEATS
    assert registrations.filter(status=Registration.Status.WAITLISTED).count() == PEOPLE - SEATS

    served = upstreams(entry for entry in cluster.access_log()[log_before:] if entry["uri"] == "/api/v1/registrations/")
    assert len(served) == len(jobs)
    nodes = {cluster.cluster.node_port(name) for name in cluster.cluster.web_nodes}
    assert set(served) == nodes, f"both nodes take sign-ups: {served}"

    # Every message the outbox holds for them (a confirmation or waitlist notice each, plus a
    # link sent again to some who pressed twice) reaches the SMTP server exactly once.
    rows = OutboxMessage.objects.filter(recipient__in=[*emails, *(email.upper() for email in emails)])
    wait_for(
        lambda: rows.count() >= PEOPLE and not rows.exclude(state=OutboxMessage.State.SENT).exists(),
        timeout=120,
        message="every sign-up's email sent",
    )
    delivered = cluster.smtp.handler.outbox_ids()
    assert {str(pk): delivered.get(str(pk)) for pk in rows.values_list("pk", flat=True)} == {
        str(pk): 1 for pk in rows.values_list("pk", flat=True)
    }
    assert {str(message["To"]).lower() for message in cluster.smtp.handler.messages} >= set(emails)
    print(f"{len(jobs)} sign-ups over nodes {sorted(set(served))}: {held} seats held for {SEATS}, 0 duplicates")
