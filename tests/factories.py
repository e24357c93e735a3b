"""factory-boy factories for the models tests build on."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from core.permissions import ORGANIZERS_GROUP
from forum import services as forum_services
from forum.models import Forum, Room
from speakers.models import Speaker


class ForumFactory(factory.django.DjangoModelFactory):
    """A published two-day edition a month ahead, created through the service (so it has themes)."""

    class Meta:
        model = Forum

    name = factory.Sequence(lambda n: {"az": f"Forum {n}", "en": f"Forum {n}", "ru": f"Форум {n}", "tr": f"Forum {n}"})
    slug = factory.Sequence(lambda n: f"forum-{n}")
    edition = factory.Sequence(lambda n: n + 1)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=1))
    year = factory.LazyAttribute(lambda o: o.start_date.year)
    city = factory.LazyFunction(lambda: {"az": "Bakı", "en": "Baku", "ru": "Баку", "tr": "Bakü"})
    status = Forum.Status.PUBLISHED
    capacity = 100
    registration_opens_at = factory.LazyAttribute(
        lambda o: min(
            timezone.now() - datetime.timedelta(days=1),
            datetime.datetime.combine(o.start_date, datetime.time(0, 0), tzinfo=datetime.UTC)
            - datetime.timedelta(days=60),
        )
    )
    registration_closes_at = factory.LazyAttribute(
        lambda o: datetime.datetime.combine(o.start_date, datetime.time(0, 0), tzinfo=datetime.UTC)
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return forum_services.create_forum(**kwargs)


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    forum = factory.SubFactory(ForumFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 100
    interpretation_languages = factory.LazyFunction(lambda: ["az", "en"])

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return forum_services.create_room(**kwargs)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    organization = factory.Faker("company")
    position = "Chief Information Security Officer"
    country = "AZ"
    email = factory.Sequence(lambda n: f"speaker{n}@example.org")
    publish_consent = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class OrganizerFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def organizers_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=ORGANIZERS_GROUP))
            self.save()


def registration_input(number=None, **overrides):
    """Valid input of the registration service (and of the API, with ``forum`` added)."""
    number = number if number is not None else next(_registration_numbers)
    data = {
        "first_name": "Aysel",
        "last_name": f"Mammadova{number}",
        "email": f"attendee{number}@example.org",
        "organization": "ADA University",
        "position": "Researcher",
        "country": "AZ",
        "category": "academia",
        "language": "en",
        "phone": "",
        "consent": True,
    }
    data.update(overrides)
    return data


_registration_numbers = iter(range(1, 10**9))


def doors_open(forum):
    """Move the edition's days so that today (in its zone) is its first day: the check-in desk
    then takes real check-ins from pages and the API, which read the clock. Registrations made
    before stay as they are. Returns the forum, updated in place."""
    today = timezone.localtime(timezone.now(), forum.tz).date()
    length = forum.end_date - forum.start_date
    forum.start_date, forum.end_date = today, today + length
    Forum.objects.filter(pk=forum.pk).update(start_date=forum.start_date, end_date=forum.end_date)
    return forum


def register_attendee(forum, **overrides):
    """Register through the service; the raw link token is kept on ``registration.raw_token``."""
    from registration import services as registration_services

    result = registration_services.register(forum=forum, **registration_input(**overrides))
    result.registration.raw_token = result.token
    return result.registration


class PanelFactory(factory.django.DjangoModelFactory):
    """A draft panel made through the service (so translations and the change log are right)."""

    class Meta:
        model = "panels.Panel"

    forum = factory.SubFactory(ForumFactory)
    title = factory.Sequence(
        lambda n: {"az": f"Panel {n}", "en": f"Panel {n}", "ru": f"Панель {n}", "tr": f"Panel {n}"}
    )
    theme = factory.LazyAttribute(lambda o: o.forum.themes.order_by("order").first())

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from panels import services as panel_services

        return panel_services.create_panel(**kwargs)


class ProgramItemFactory(factory.django.DjangoModelFactory):
    """A coffee break across all rooms on the forum's first day at 10:45-11:00, through the service."""

    class Meta:
        model = "panels.ProgramItem"

    forum = factory.SubFactory(ForumFactory)
    kind = "break"
    title = factory.LazyFunction(lambda: {"az": "Kofe fasiləsi", "en": "Coffee break", "ru": "Кофе-брейк"})
    room = None
    start = factory.LazyAttribute(lambda o: o.forum.local_datetime(o.forum.days[0], datetime.time(10, 45)))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(minutes=15))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from panels import services as panel_services

        return panel_services.place_program_item(**kwargs)


class InvitationFactory(factory.django.DjangoModelFactory):
    """A draft invitation, created through the speakers service."""

    class Meta:
        model = "speakers.Invitation"

    forum = factory.SubFactory(ForumFactory)
    speaker = factory.SubFactory(SpeakerFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from speakers import services as speaker_services

        return speaker_services.create_invitation(**kwargs)


def inviting_organization(forum, *, with_signatory=True):
    """The forum's inviting organization, set up through the visas services, with one signatory
    whose signature and stamp are drawn images."""
    from django.core.files.base import ContentFile

    from visas import demo_images
    from visas import services as visa_services

    organization = visa_services.save_organization(
        forum=forum,
        legal_name_az="Milli Kibertəhlükəsizlik Forumu İctimai Birliyi",
        legal_name_en="National Cybersecurity Forum Public Union",
        registration_number="1504872311",
        legal_address_az="AZ1000, Bakı şəhəri, Nizami küçəsi 10",
        legal_address_en="10 Nizami Street, Baku AZ1000, Azerbaijan",
        phone="+994 12 555 01 00",
        email="visa@forum.example",
        website="https://forum.example",
        contact_name="Leyla Hasanova",
        contact_phone="+994 50 555 01 01",
        contact_email="leyla@forum.example",
    )
    if with_signatory:
        visa_services.add_signatory(
            organization=organization,
            name="Elnur Mammadov",
            title_az="Təşkilat Komitəsinin sədri",
            title_en="Chair of the Organizing Committee",
            signature=ContentFile(demo_images.signature_png(), name="signature.png"),
            stamp=ContentFile(demo_images.stamp_png(), name="stamp.png"),
        )
    return organization


def applicant_input(forum, **overrides):
    """Passport data that passes every rule for ``forum``."""
    data = {
        "surname": "Weber",
        "given_names": "Anna Maria",
        "birth_date": datetime.date(1981, 4, 17),
        "birth_place": "Hamburg",
        "sex": "F",
        "nationality": "DE",
        "passport_number": "C01X00T47",
        "passport_issued_on": datetime.date(2021, 3, 2),
        "passport_expires_on": forum.end_date + datetime.timedelta(days=900),
        "passport_authority": "Stadt Hamburg",
        "arrival_date": forum.start_date - datetime.timedelta(days=1),
        "departure_date": forum.end_date + datetime.timedelta(days=1),
        "consulate_country": "DE",
        "consulate_city": "",
    }
    data.update(overrides)
    return data
