"""Visa support letters rendered to PDF with WeasyPrint from the letterhead template."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation


def render_visa_letter(*, letter, invitation, issued_on):
    """The letter as PDF bytes. Letters are written in English, the language consulates expect."""
    from weasyprint import HTML

    forum = invitation.forum
    speaker = invitation.speaker
    with translation.override("en"):
        html = render_to_string(
            "speakers/visa_letter.html",
            {
                "letter": letter,
                "forum": forum,
                "speaker": speaker,
                "invitation": invitation,
                "full_name": speaker.latin_name,
                "honorific": speaker.get_honorific_display() if speaker.honorific else "",
                "nationality": invitation.nationality.name,
                "issued_on": timezone.localtime(issued_on, forum.tz).date(),
                "arrival": invitation.arrival_date or forum.start_date,
                "departure": invitation.departure_date or forum.end_date,
                "signer": letter.signer_name,
                "signer_title": settings.VISA_LETTER_SIGNER_TITLE,
                "host_country": forum.host_country.name,
                "forum_name": forum.name_en or forum.name,
                "city": forum.city_en or forum.city,
                "venue": forum.venue_en or forum.venue,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
