"""Writes and business rules for speakers, invitations, RSVP answers, availability and visa letters.

Only this package changes an invitation's state. Every state change goes through
``_common._transition``, which checks it against ``TRANSITIONS`` and raises :class:`SpeakerError`
for anything else. Callers import from ``speakers.services``; the modules split it by concern.
"""

from ._common import (
    DEADLINE_TIME,
    DEFAULT_RESPONSE_DAYS,
    PHOTO_FORMATS,
    PHOTO_MAX_BYTES,
    PHOTO_MAX_SIDE,
    REMINDER_DAYS,
    REMINDER_TIME,
    TRANSITIONS,
    State,
)
from .answers import (
    accept_invitation,
    answer_panels,
    decline_invitation,
    expire_invitation,
    respond,
    speaker_schedule,
    withdraw_invitation,
)
from .imports import IMPORT_COLUMNS, REQUIRED_COLUMNS, ImportResult, import_speakers
from .invitations import (
    LINK_KEYS,
    LINK_KINDS,
    create_invitation,
    default_deadline,
    fresh_message_links,
    issue_token,
    mark_viewed,
    offer_panel,
    organizer_invitation_url,
    record_visit,
    remove_panel_offer,
    rsvp_url,
    send_invitation,
    update_invitation,
)
from .link_again import send_link_again
from .profiles import (
    SPEAKER_FIELDS,
    TRANSLATED_SPEAKER_FIELDS,
    create_speaker,
    delete_speaker,
    process_photo,
    update_profile,
    update_speaker,
)
from .reminders import (
    bulk_remind,
    bulk_send,
    remind_invitation,
    send_day_before_reminders,
    send_due_invitation_reminders,
)
from .travel import TRAVEL_FIELDS, AvailabilityChange, notify_schedule_change, set_availability, update_travel
from .visa_letters import produce_visa_letter, visa_letter_problems

__all__ = [
    "DEADLINE_TIME",
    "DEFAULT_RESPONSE_DAYS",
    "IMPORT_COLUMNS",
    "LINK_KEYS",
    "LINK_KINDS",
    "PHOTO_FORMATS",
    "PHOTO_MAX_BYTES",
    "PHOTO_MAX_SIDE",
    "REMINDER_DAYS",
    "REMINDER_TIME",
    "REQUIRED_COLUMNS",
    "SPEAKER_FIELDS",
    "TRANSITIONS",
    "TRANSLATED_SPEAKER_FIELDS",
    "TRAVEL_FIELDS",
    "AvailabilityChange",
    "ImportResult",
    "State",
    "accept_invitation",
    "answer_panels",
    "bulk_remind",
    "bulk_send",
    "create_invitation",
    "create_speaker",
    "decline_invitation",
    "default_deadline",
    "delete_speaker",
    "expire_invitation",
    "fresh_message_links",
    "import_speakers",
    "issue_token",
    "mark_viewed",
    "notify_schedule_change",
    "offer_panel",
    "organizer_invitation_url",
    "process_photo",
    "produce_visa_letter",
    "record_visit",
    "remind_invitation",
    "remove_panel_offer",
    "respond",
    "rsvp_url",
    "send_day_before_reminders",
    "send_due_invitation_reminders",
    "send_invitation",
    "send_link_again",
    "set_availability",
    "speaker_schedule",
    "update_invitation",
    "update_profile",
    "update_speaker",
    "update_travel",
    "visa_letter_problems",
    "withdraw_invitation",
]
