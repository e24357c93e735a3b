"""Demo data: the inviting organization with a signatory, arrival information, and one accepted
foreign speaker whose visa letter is ready. Idempotent: a second run changes nothing."""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from speakers import services as speaker_services
from speakers.models import Invitation

from . import demo_images, selectors, services
from .models import ArrivalInfo, InvitingOrganization, Payer

ORGANIZATION = {
    "legal_name_az": "Milli Kibertəhlükəsizlik Forumu İctimai Birliyi",
    "legal_name_en": "National Cybersecurity Forum Public Union",
    "registration_number": "1504872311",
    "legal_address_az": "AZ1000, Bakı şəhəri, Nizami küçəsi 10",
    "legal_address_en": "10 Nizami Street, Baku AZ1000, Azerbaijan",
    "phone": "+994 12 555 01 00",
    "email": "visa@demo.forum.example",
    "website": "https://forum.example",
    "contact_name": "Leyla Hasanova",
    "contact_phone": "+994 50 555 01 01",
    "contact_email": "leyla.hasanova@demo.forum.example",
}
ARRIVAL = {
    "venue_address_az": "Bakı Konqres Mərkəzi, Heydər Əliyev prospekti 1",
    "venue_address_en": "Baku Congress Centre, 1 Heydar Aliyev Avenue",
    "hotel_name_az": "Bulvar Hotel",
    "hotel_name_en": "Boulevard Hotel",
    "hotel_address_az": "Neftçilər prospekti 5, Bakı",
    "hotel_address_en": "5 Neftchilar Avenue, Baku",
    "hotel_phone": "+994 12 555 02 00",
    "arrival_instructions_az": "Heydər Əliyev Beynəlxalq Hava Limanında (GYD) forum lövhəsi olan sürücü sizi "
    "qarşılayacaq. Yaxanızı otelin qəbulunda götürə bilərsiniz.",
    "arrival_instructions_en": "A driver holding a forum sign meets you at Heydar Aliyev International Airport "
    "(GYD) arrivals. Your badge waits for you at the hotel reception.",
    "contact_phone": "+994 50 555 01 02",
}


def _demo_speaker_invitation(forum):
    """The first accepted foreign demo speaker who asked for a visa letter."""
    candidates = Invitation.objects.filter(
        forum=forum,
        state=Invitation.State.ACCEPTED,
        needs_visa_letter=True,
        speaker__email__endswith="@demo.forum.example",
    ).select_related("speaker", "forum")
    return next((inv for inv in candidates.order_by("pk") if inv.is_foreign), None)


def _applicant(invitation):
    speaker = invitation.speaker
    forum = invitation.forum
    return {
        "surname": speaker.last_name_latin or speaker.last_name,
        "given_names": speaker.first_name_latin or speaker.first_name,
        "birth_date": datetime.date(1979, 6, 14),
        "birth_place": "Bergen",
        "sex": "F",
        "nationality": speaker.country.code,
        "passport_number": invitation.passport_number or f"{speaker.country.code}4471902",
        "passport_issued_on": datetime.date(2022, 2, 9),
        "passport_expires_on": forum.end_date + datetime.timedelta(days=1500),
        "passport_authority": "Politiet",
        "arrival_date": forum.start_date - datetime.timedelta(days=1),
        "departure_date": forum.end_date + datetime.timedelta(days=1),
        "consulate_country": speaker.country.code,
        "consulate_city": "",
    }


def seed(*, forum, stdout=None):
    with transaction.atomic():
        organization = InvitingOrganization.objects.filter(forum=forum).first()
        if organization is None:
            organization = services.save_organization(forum=forum, **ORGANIZATION)
        if selectors.signing_signatory(organization) is None:
            services.add_signatory(
                organization=organization,
                name="Elnur Mammadov",
                title_az="Təşkilat Komitəsinin sədri",
                title_en="Chair of the Organizing Committee",
                signature=ContentFile(demo_images.signature_png(), name="demo-signature.png"),
                stamp=ContentFile(demo_images.stamp_png(), name="demo-stamp.png"),
            )
        if not ArrivalInfo.objects.filter(forum=forum).exists():
            ArrivalInfo.objects.create(forum=forum, **ARRIVAL)
        invitation = _demo_speaker_invitation(forum)
        if invitation is None:
            return
        letter = selectors.valid_letter(invitation)
        if letter is not None:
            return  # already seeded: a second run mints no link and changes nothing
        services.save_applicant(invitation=invitation, **_applicant(invitation))
        services.set_cost_coverage(
            invitation=invitation, travel=Payer.SPEAKER, accommodation=Payer.ORGANIZERS, meals=Payer.ORGANIZERS
        )
        letter = services.issue_letter(invitation=invitation)
    if stdout:
        link = speaker_services.rsvp_url(speaker_services.issue_token(invitation, timezone.now()))
        stdout.write(
            f"RSVP page of {invitation.speaker.full_name} (accepted, visa letter {letter.reference} ready): {link}"
        )
