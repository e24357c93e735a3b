"""Demo data for the forum app: the 2nd National Cybersecurity Forum in Baku."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from core import localtime
from core.permissions import ORGANIZERS_GROUP

from . import services
from .models import Forum

DEMO_SLUG = "ncf-2"
DEMO_PASSWORD = "forum-demo"

DEMO_ROOMS = [
    ({"az": "Böyük zal", "en": "Main Hall", "ru": "Большой зал", "tr": "Büyük Salon"}, 600, ["az", "en", "ru", "tr"]),
    (
        {"az": "Konfrans zalı A", "en": "Conference Room A", "ru": "Конференц-зал A", "tr": "Konferans Salonu A"},
        150,
        ["az", "en"],
    ),
    ({"az": "Təlim zalı", "en": "Workshop Room", "ru": "Учебный зал", "tr": "Atölye Salonu"}, 60, []),
]


def seed(*, stdout=None):
    """Create the demo edition once; a second run finds it and changes nothing."""
    forum = Forum.objects.filter(slug=DEMO_SLUG).first()
    if forum is None:
        # Days count from today in Baku, the forum's zone, not in UTC: the dates are the same
        # whichever side of midnight UTC the demo is seeded.
        zone = localtime.default_zone()
        start = timezone.localdate(timezone=zone) + datetime.timedelta(days=60)
        now = timezone.now().replace(microsecond=0, second=0)
        forum = services.create_forum(
            slug=DEMO_SLUG,
            edition=2,
            year=start.year,
            start_date=start,
            end_date=start + datetime.timedelta(days=1),
            name={
                "az": "II Milli Kibertəhlükəsizlik Forumu",
                "en": "2nd National Cybersecurity Forum",
                "ru": "II Национальный форум по кибербезопасности",
                "tr": "2. Ulusal Siber Güvenlik Forumu",
            },
            city={"az": "Bakı", "en": "Baku", "ru": "Баку", "tr": "Bakü"},
            venue={
                "az": "Bakı Konqres Mərkəzi",
                "en": "Baku Congress Center",
                "ru": "Бакинский конгресс-центр",
                "tr": "Bakü Kongre Merkezi",
            },
            status=Forum.Status.PUBLISHED,
            capacity=800,
            registration_opens_at=now - datetime.timedelta(days=1),
            registration_closes_at=localtime.at_local(start - datetime.timedelta(days=1), datetime.time(18, 0), zone),
        )
        if stdout:
            stdout.write(f"Created {forum.name_en} ({forum.start_date} to {forum.end_date}).")
    existing_rooms = set(forum.rooms.values_list("name_en", flat=True))
    for order, (name, capacity, languages) in enumerate(DEMO_ROOMS, start=1):
        if name["en"] not in existing_rooms:
            services.create_room(
                forum=forum, name=name, capacity=capacity, interpretation_languages=languages, order=order
            )
    services.ensure_standard_themes(forum=forum)
    if not settings.PRODUCTION:
        _demo_accounts(stdout)
    return forum


def _demo_accounts(stdout):
    User = get_user_model()
    organizers = Group.objects.get(name=ORGANIZERS_GROUP)
    for username, superuser in (("organizer", False), ("admin", True)):
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(
            username=username,
            email=f"{username}@forum.example",
            password=DEMO_PASSWORD,
            is_staff=True,
            is_superuser=superuser,
        )
        user.groups.add(organizers)
        if stdout:
            stdout.write(f"Demo account: {username} / {DEMO_PASSWORD}")
