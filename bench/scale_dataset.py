"""A forum the size conference tools are benchmarked at, built through the project's own code.

``seed_scale(panels=500)`` gives one published edition (slug ``ncf-scale-<panels>``) with 3 days,
12 rooms, the 5 standard themes, ``panels`` published panels with three speakers each (1,500
speakers at 500 panels, every one of them accepted and public, a third with availability windows),
and ``registrations`` attendees (20,000 by default) who each chose a few panels. Editions,
rooms and every panel's placement go through the services (the scheduling rules are checked for
each of the 500 placements); speakers, invitations and registrations are bulk-inserted model
rows, since the services' per-person emails are not what is measured. Idempotent: an edition that
already exists with that slug is left as it is. Ends with ANALYZE, because this machine's
PostgreSQL runs without autovacuum and would otherwise plan on empty-table statistics.
"""

import datetime
import random

from django.db import connection, transaction
from django.utils import timezone

FIRST_NAMES = ["Anna", "Leyla", "Rəşad", "Elnur", "Aysel", "Mehmet", "Olga", "Daniyar", "Nurlan", "Sophie"]
LAST_NAMES = ["Weber", "Əliyeva", "Məmmədov", "Hüseynov", "Yılmaz", "Ivanova", "Abenov", "Kaya", "Novak", "Rossi"]
ORGANIZATIONS = ["CERT.az", "ADA University", "Kapital Bank", "TÜBİTAK", "ENISA", "KazCERT", "Azercell", "OTS"]
COUNTRIES = ["AZ", "TR", "KZ", "UZ", "KG", "DE", "FR", "GB", "US", "EE"]
TOPICS = [
    "Threat intelligence sharing",
    "Securing the energy grid",
    "Incident response at national scale",
    "Zero trust in government networks",
    "Training the next cyber workforce",
    "Startups and the regional market",
    "Cryptography after quantum computers",
    "Protecting critical water systems",
]

DAYS = 3
ROOMS = 12
DAY_OPENS = datetime.time(8, 0)
DAY_CLOSES = datetime.time(20, 0)
SLOT_MINUTES = 50  # a 45-minute session and five minutes to change rooms
SPEAKERS_PER_PANEL = 3


def scale_slug(panels):
    return f"ncf-scale-{panels}"


def seed_scale(*, panels=500, registrations=20_000, seed=2027, out=print):
    from forum.models import Forum

    slug = scale_slug(panels)
    forum = Forum.objects.filter(slug=slug).first()
    if forum is not None:
        out(f"{slug}: already seeded")
        return forum
    rng = random.Random(seed)
    forum = _edition(slug, panels)
    rooms = _rooms(forum)
    placed = _panels(forum, rooms, panels, rng)
    _speakers(forum, placed, rng)
    _registrations(forum, placed, registrations, rng)
    analyze()
    out(f"{slug}: {len(placed)} panels, {len(rooms)} rooms, {registrations} registrations")
    return forum


def analyze():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _edition(slug, panels):
    from forum import services as forum_services
    from forum.models import Forum

    start = datetime.date(2027, 6, 7)  # a Monday, far from today's edition dates
    forum = forum_services.create_forum(
        name={"az": f"Miqyas forumu ({panels})", "en": f"Scale forum ({panels} panels)"},
        slug=slug,
        edition=90 + (panels % 9),
        year=start.year,
        start_date=start,
        end_date=start + datetime.timedelta(days=DAYS - 1),
        city={"az": "Bakı", "en": "Baku"},
        venue={"az": "Bakı Konqres Mərkəzi", "en": "Baku Congress Center"},
        day_opens_at=DAY_OPENS,
        day_closes_at=DAY_CLOSES,
        capacity=25_000,
    )
    forum_services.set_forum_status(forum=forum, status=Forum.Status.PUBLISHED)
    return forum


def _rooms(forum):
    from forum import services as forum_services

    return [
        forum_services.create_room(
            forum=forum,
            name={"az": f"Zal {n}", "en": f"Hall {n}"},
            capacity=800 if n == 1 else 60 + 40 * (n % 6),
            interpretation_languages=["en", "ru"] if n <= 4 else [],
            order=n,
        )
        for n in range(1, ROOMS + 1)
    ]


def _slots(forum, rooms):
    """Every (room, start, end) the edition has, day by day, room by room."""
    tz = forum.tz
    for day in range(DAYS):
        date = forum.start_date + datetime.timedelta(days=day)
        opens = datetime.datetime.combine(date, DAY_OPENS, tzinfo=tz)
        closes = datetime.datetime.combine(date, DAY_CLOSES, tzinfo=tz)
        for room in rooms:
            start = opens
            while start + datetime.timedelta(minutes=45) <= closes:
                yield room, start, start + datetime.timedelta(minutes=45)
                start += datetime.timedelta(minutes=SLOT_MINUTES)


def _panels(forum, rooms, count, rng):
    from panels import services as panel_services
    from panels.models import Panel

    themes = list(forum.themes.order_by("order"))
    slots = list(_slots(forum, rooms))
    if count > len(slots):
        # Denser programs share the slots: shorter sessions, same rooms.
        raise SystemExit(f"{count} panels do not fit {len(slots)} slots of {SLOT_MINUTES} minutes")
    # Spread the panels over the days and rooms rather than filling day one first.
    step = len(slots) / count
    chosen = [slots[int(i * step)] for i in range(count)]
    placed = []
    for n, (room, start, end) in enumerate(chosen, start=1):
        topic = TOPICS[n % len(TOPICS)]
        panel = panel_services.create_panel(
            forum=forum,
            title={"az": f"{topic} — sessiya {n}", "en": f"{topic} — session {n}", "ru": f"{topic} — сессия {n}"},
            description={
                "az": f"{topic} mövzusunda müzakirə. " * 6,
                "en": f"A discussion of {topic.lower()}, with questions from the floor. " * 6,
            },
            theme=themes[n % len(themes)],
            format=Panel.Format.KEYNOTE if n % 25 == 0 else Panel.Format.PANEL,
            language=rng.choice(["az", "en", "ru"]),
            interpretation=room.interpretation_languages != [],
        )
        panel_services.schedule_panel(panel=panel, room=room, start=start, end=end)
        placed.append(panel)
    panel_services.publish_panels(forum=forum)
    return list(Panel.objects.filter(forum=forum).order_by("start", "room__order"))


@transaction.atomic
def _speakers(forum, panels, rng):
    from panels.models import Availability, Participation
    from speakers.models import Invitation, Speaker

    now = timezone.now()
    speakers = [
        Speaker(
            first_name=rng.choice(FIRST_NAMES),
            last_name=f"{rng.choice(LAST_NAMES)}-{n}",
            position="Head of cyber security",
            organization=rng.choice(ORGANIZATIONS),
            country=rng.choice(COUNTRIES),
            bio="Works on national incident response and critical infrastructure protection. " * 3,
            email=f"speaker{n}@{forum.slug}.example",
            preferred_language=rng.choice(["az", "en", "ru", "tr"]),
            publish_consent=True,
            publish_consent_at=now,
        )
        for n in range(len(panels) * SPEAKERS_PER_PANEL)
    ]
    Speaker.objects.bulk_create(speakers, batch_size=1000)
    deadline = datetime.datetime.combine(forum.start_date, datetime.time(0), tzinfo=forum.tz)
    Invitation.objects.bulk_create(
        [
            Invitation(
                forum=forum,
                speaker=speaker,
                state=Invitation.State.ACCEPTED,
                response_deadline=deadline,
                accepted_at=now,
            )
            for speaker in speakers
        ],
        batch_size=1000,
    )
    participations, windows = [], []
    for n, speaker in enumerate(speakers):
        panel = panels[n // SPEAKERS_PER_PANEL]
        role = Participation.Role.MODERATOR if n % SPEAKERS_PER_PANEL == 0 else Participation.Role.PANELIST
        participations.append(Participation(panel=panel, speaker=speaker, role=role, order=n % SPEAKERS_PER_PANEL))
        if n % 3 == 0:
            # A third of the speakers say when they can speak: the whole day of their session.
            local = panel.start.astimezone(forum.tz)
            opens = datetime.datetime.combine(local.date(), DAY_OPENS, tzinfo=forum.tz)
            windows.append(
                Availability(
                    speaker=speaker,
                    forum=forum,
                    start=opens,
                    end=datetime.datetime.combine(local.date(), DAY_CLOSES, tzinfo=forum.tz),
                )
            )
    Participation.objects.bulk_create(participations, batch_size=2000)
    Availability.objects.bulk_create(windows, batch_size=2000)


@transaction.atomic
def _registrations(forum, panels, count, rng):
    from registration.models import Category, Registration
    from registration.services import new_badge_code

    now = timezone.now()
    categories = list(Category.values)
    statuses = [Registration.Status.CONFIRMED] * 8 + [Registration.Status.WAITLISTED]
    people = []
    for n in range(count):
        status = rng.choice(statuses)
        people.append(
            Registration(
                forum=forum,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"attendee{n}@{forum.slug}.example",
                organization=rng.choice(ORGANIZATIONS),
                position="Analyst",
                country=rng.choice(COUNTRIES),
                category=rng.choice(categories),
                language=rng.choice(["az", "en", "ru", "tr"]),
                consent=True,
                consent_at=now,
                status=status,
                confirmed_at=now if status == Registration.Status.CONFIRMED else None,
                waitlisted_at=now if status == Registration.Status.WAITLISTED else None,
                badge_code=new_badge_code(),
            )
        )
    Registration.objects.bulk_create(people, batch_size=2000)
    Chosen = Registration.panels.through
    # Interest is skewed: a few panels draw many, as keynotes and popular themes do.
    weights = [1.0 / (1 + (i % 50)) for i in range(len(panels))]
    chosen = []
    for person in people:
        picks = {p.pk for p in rng.choices(panels, weights=weights, k=rng.randint(0, 5))}
        chosen.extend(Chosen(registration_id=person.pk, panel_id=pk) for pk in picks)
    Chosen.objects.bulk_create(chosen, batch_size=5000)
