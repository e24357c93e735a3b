"""Demo registrations: a few hundred attendees in every state, created once.

Media and student seats have quotas that are full, so those categories have people waiting; the
rest of the hall still has room (the demo forum seats 800).
"""

import datetime
import random

from django.conf import settings
from django.utils import timezone

from .models import Category, CategoryQuota, Registration
from .services import _mint_token, manage_url, new_badge_code

FIRST_NAMES = [
    "Aysel", "Rashad", "Leyla", "Elvin", "Nigar", "Tural", "Gunel", "Farid", "Sabina", "Orkhan", "Mehmet",
    "Elif", "Can", "Zeynep", "Ivan", "Olga", "Dmitry", "Anna", "John", "Emma", "Lukas", "Sofia", "Kenji",
    "Amina", "Murad", "Nurlan", "Aigerim", "Giorgi", "Nino", "Ali",
]  # fmt: skip
LAST_NAMES = [
    "Aliyev", "Mammadova", "Huseynov", "Guliyeva", "Hasanov", "Ismayilova", "Karimov", "Yilmaz", "Demir",
    "Kaya", "Petrov", "Smirnova", "Ivanov", "Smith", "Brown", "Müller", "Rossi", "Tanaka", "Beridze",
    "Abenov", "Nazarova", "Rahimov",
]  # fmt: skip
ORGANIZATIONS = {
    Category.GOVERNMENT: ["State Security Service", "Ministry of Digital Development", "Central Bank"],
    Category.PRIVATE: ["Azercell", "Pasha Bank", "Kapital Bank", "SOCAR", "Bakcell", "CyberPoint LLC"],
    Category.ACADEMIA: ["ADA University", "Baku State University", "Azerbaijan Technical University"],
    Category.STUDENT: ["ADA University", "Baku Engineering University", "UNEC"],
    Category.MEDIA: ["Report.az", "APA", "Trend News Agency", "AZTV"],
    Category.INTERNATIONAL: ["ITU", "OSCE", "UNDP", "Council of Europe", "NATO CCDCOE"],
    Category.OTHER: ["Independent consultant", "Cyber Club Baku"],
}
POSITIONS = ["Security analyst", "CISO", "Head of IT", "Researcher", "Journalist", "Student", "Director", "Engineer"]
COUNTRIES = ["AZ"] * 12 + ["TR", "TR", "GE", "KZ", "RU", "DE", "GB", "US", "IT", "JP", "UZ", "FR"]
QUOTAS = {Category.MEDIA: 20, Category.STUDENT: 45}  # upper bounds; the quota is what is taken

# (status, cancel reason, how many)
PLAN = [
    ("confirmed", "", 230),
    ("pending", "", 24),
    ("waitlisted", "", 26),
    ("cancelled", "attendee", 18),
    ("cancelled", "expired", 12),
]


def seed(*, forum, stdout=None):
    """Create the demo registrations once; a second run finds them and changes nothing."""
    if Registration.objects.filter(forum=forum).exists():
        return
    rng = random.Random(2)
    now = timezone.now().replace(microsecond=0)
    from panels.models import Panel

    panel_ids = list(Panel.objects.filter(forum=forum, status=Panel.Status.PUBLISHED).values_list("pk", flat=True))
    taken = dict.fromkeys(QUOTAS, 0)
    rows = []
    number = 0
    for status, reason, count in PLAN:
        for index in range(count):
            number += 1
            if status == "waitlisted":
                category = Category.MEDIA if index % 3 == 0 else Category.STUDENT
            else:
                category = rng.choice(list(Category.values))
                while category in QUOTAS and status in ("confirmed", "pending") and taken[category] >= QUOTAS[category]:
                    category = rng.choice([Category.GOVERNMENT, Category.PRIVATE, Category.ACADEMIA])
                if category in QUOTAS and status in ("confirmed", "pending"):
                    taken[category] += 1
            registered = now - datetime.timedelta(days=20) + datetime.timedelta(minutes=37 * number)
            registered = min(registered, now - datetime.timedelta(minutes=5))
            registration = Registration(
                forum=forum,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                email=f"attendee{number:03d}@example.org",
                organization=rng.choice(ORGANIZATIONS[category]),
                position="Student" if category == Category.STUDENT else rng.choice(POSITIONS),
                country=rng.choice(COUNTRIES),
                phone=f"+994 50 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
                if rng.random() < 0.6
                else "",
                category=category,
                language=rng.choice(settings.LANGUAGE_CODES),
                consent=True,
                consent_at=registered,
                status=status,
                cancel_reason=reason,
                badge_code=new_badge_code(),
            )
            if status == "confirmed":
                registration.confirmed_at = registered + datetime.timedelta(minutes=12)
            elif status == "pending":
                registration.hold_expires_at = now + datetime.timedelta(minutes=settings.REGISTRATION_HOLD_MINUTES)
            elif status == "waitlisted":
                registration.waitlisted_at = registered
            else:
                registration.cancelled_at = registered + datetime.timedelta(hours=1)
            rows.append(registration)
    created = Registration.objects.bulk_create(rows)
    # The quotas are exactly what those categories already hold, so their waitlists are real.
    for category, seats in taken.items():
        CategoryQuota.objects.get_or_create(forum=forum, category=category, defaults={"seats": seats})
    if panel_ids:
        through = Registration.panels.through
        through.objects.bulk_create(
            through(registration_id=registration.pk, panel_id=panel_id)
            for registration in created
            for panel_id in rng.sample(panel_ids, k=min(len(panel_ids), rng.randint(0, 3)))
        )
    if stdout:
        stdout.write(f"Created {len(created)} demo registrations.")
        first = Registration.objects.filter(forum=forum, status="confirmed").order_by("id").first()
        first.forum = forum
        stdout.write(f"A confirmed attendee's page: {manage_url(_mint_token(first, now))}")
