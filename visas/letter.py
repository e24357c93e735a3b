"""The visa support letter as an A4 PDF (WeasyPrint): one page in Azerbaijani, one in English,
each with the letterhead, reference, addressee, applicant, purpose, costs, signature, stamp and a
QR code of the public verification URL."""

import base64
import io
import mimetypes

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from . import azerbaijani
from .models import Payer


def verification_url(letter):
    return settings.SITE_URL + reverse("visas:verify", kwargs={"code": letter.code})


def _data_uri(field_file):
    with field_file.open("rb") as handle:
        content = handle.read()
    mime = mimetypes.guess_type(field_file.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _qr_data_uri(url):
    buffer = io.BytesIO()
    # Error correction M and a 4-module quiet zone: readable from a printed and rescanned copy.
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _joined(*parts, sep=" · "):
    """Non-empty parts joined: an empty field never leaves a stray separator behind."""
    return sep.join(part.strip() for part in parts if part and part.strip())


PAYER_AZ = {Payer.ORGANIZERS: "təşkilatçı tərəfindən", Payer.SPEAKER: "dəvət olunan şəxs tərəfindən"}
PAYER_EN = {Payer.ORGANIZERS: "by the organizers", Payer.SPEAKER: "by the invited person"}
SEX_AZ = {"F": "qadın", "M": "kişi", "X": "X"}
SEX_EN = {"F": "female", "M": "male", "X": "X"}


def _addressee(applicant):
    country_az = azerbaijani.country_name(applicant.consulate_country)
    with translation.override("en"):
        country_en = applicant.consulate_country.name
    city = applicant.consulate_city.strip()
    if city:
        return {
            "az": f"Azərbaycan Respublikasının {city} şəhərindəki diplomatik nümayəndəliyinə",
            "az_line2": country_az,
            "en": f"To the Diplomatic Mission of the Republic of Azerbaijan in {city}",
            "en_line2": country_en,
        }
    return {
        "az": f"Azərbaycan Respublikasının {azerbaijani.locative_adjective(country_az)} Səfirliyinə",
        "az_line2": "",
        "en": f"To the Embassy of the Republic of Azerbaijan in {country_en}",
        "en_line2": "",
    }


def _en_date(day):
    with translation.override("en"):
        return formats.date_format(day, "j F Y")


def letter_context(*, letter, invitation, applicant, coverage):
    forum = invitation.forum
    organization = forum.inviting_organization
    signatory = letter.signatory
    issued_on = timezone.localtime(letter.issued_at, forum.tz).date()
    url = verification_url(letter)
    with translation.override("en"):
        nationality_en = applicant.nationality.name
    costs = [("travel", coverage.travel), ("accommodation", coverage.accommodation), ("meals", coverage.meals)]
    return {
        "letter": letter,
        "organization": organization,
        "signatory": signatory,
        "signature_src": _data_uri(signatory.signature),
        "stamp_src": _data_uri(signatory.stamp),
        "qr_src": _qr_data_uri(url),
        "verification_url": url,
        "short_url": url.split("://", 1)[-1],
        "contacts": _joined(organization.phone, organization.email, organization.website),
        "contact_person": _joined(
            organization.contact_name, organization.contact_phone, organization.contact_email, sep=", "
        ),
        "to": _addressee(applicant),
        "az": {
            "issued_on": azerbaijani.date(issued_on),
            "forum_name": getattr(forum, "name_az", "") or forum.name,
            "city": getattr(forum, "city_az", "") or forum.city,
            "venue": getattr(forum, "venue_az", "") or forum.venue,
            "start": azerbaijani.date(forum.start_date),
            "end": azerbaijani.date(forum.end_date),
            "arrival": azerbaijani.date(applicant.arrival_date),
            "departure": azerbaijani.date(applicant.departure_date),
            "birth_date": azerbaijani.date(applicant.birth_date),
            "issued": azerbaijani.date(applicant.passport_issued_on),
            "expires": azerbaijani.date(applicant.passport_expires_on),
            "nationality": azerbaijani.country_name(applicant.nationality),
            "sex": SEX_AZ.get(applicant.sex, ""),
            "costs": {name: PAYER_AZ[payer] for name, payer in costs},
        },
        "en": {
            "issued_on": _en_date(issued_on),
            "forum_name": getattr(forum, "name_en", "") or forum.name,
            "city": getattr(forum, "city_en", "") or forum.city,
            "venue": getattr(forum, "venue_en", "") or forum.venue,
            "start": _en_date(forum.start_date),
            "end": _en_date(forum.end_date),
            "arrival": _en_date(applicant.arrival_date),
            "departure": _en_date(applicant.departure_date),
            "birth_date": _en_date(applicant.birth_date),
            "issued": _en_date(applicant.passport_issued_on),
            "expires": _en_date(applicant.passport_expires_on),
            "nationality": nationality_en,
            "sex": SEX_EN.get(applicant.sex, ""),
            "costs": {name: PAYER_EN[payer] for name, payer in costs},
        },
        "applicant": applicant,
        "single_day": forum.start_date == forum.end_date,
    }


def render_letter(*, letter, invitation, applicant, coverage):
    from weasyprint import HTML

    context = letter_context(letter=letter, invitation=invitation, applicant=applicant, coverage=coverage)
    html = render_to_string("visas/letter.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
