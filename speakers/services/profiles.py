"""Speakers themselves: their record, profile, photo and publication consent."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from core import uploads
from panels.models import Participation

from ..errors import SpeakerError
from ..models import Speaker
from ..signals import speaker_deleted
from ._common import _full_clean, logger

# --- speakers ---------------------------------------------------------------------------------

SPEAKER_FIELDS = {
    "first_name", "last_name", "first_name_latin", "last_name_latin", "honorific", "country", "email", "phone",
    "preferred_language",
}  # fmt: skip
# Text per language, each falling back to the Azerbaijani one (speakers/translation.py).
TRANSLATED_SPEAKER_FIELDS = {"bio", "position", "organization"}


def _apply_speaker_fields(speaker, fields):
    for name, value in fields.items():
        if name in TRANSLATED_SPEAKER_FIELDS:
            values = value if isinstance(value, dict) else {settings.LANGUAGE_CODE: value}
            unknown = set(values) - set(settings.LANGUAGE_CODES)
            if unknown:
                raise SpeakerError(_("Unknown language: %s") % ", ".join(sorted(unknown)), code="unknown_language")
            for lang, text in values.items():
                setattr(speaker, f"{name}_{lang}", text or "")
        elif name in SPEAKER_FIELDS:
            setattr(speaker, name, value if value is not None else "")
        else:
            raise SpeakerError(_("Unknown field: %s") % name, code="unknown_field", fields={name: ["unknown"]})
    if speaker.email:
        speaker.email = speaker.email.strip().lower()
    if speaker.preferred_language not in settings.LANGUAGE_CODES:
        raise SpeakerError(
            _("Choose a language among: %s.") % ", ".join(settings.LANGUAGE_CODES),
            code="invalid",
            fields={"preferred_language": ["invalid"]},
        )


@transaction.atomic
def create_speaker(**fields):
    """Create a speaker. ``bio``, ``position`` and ``organization`` take a string (Azerbaijani) or
    {lang: text}."""
    speaker = _new_speaker(fields)
    if Speaker.objects.filter(email__iexact=speaker.email).exists():
        raise _duplicate_email()
    _full_clean(speaker, exclude=["photo"])
    speaker.save()
    return speaker


def _new_speaker(fields):
    fields = dict(fields)
    consent = fields.pop("publish_consent", False)
    speaker = Speaker()
    _apply_speaker_fields(speaker, fields)
    speaker.publish_consent = bool(consent)
    speaker.publish_consent_at = timezone.now() if consent else None
    return speaker


def _duplicate_email():
    return SpeakerError(
        _("A speaker with this email already exists."), code="duplicate_email", fields={"email": ["taken"]}, status=409
    )


def build_speaker(**fields):
    """A new speaker checked by the rules of :func:`create_speaker`, not saved yet: an import builds
    many and saves them with :func:`save_new_speakers`. Whether the email is free is checked there,
    for the whole batch at once."""
    speaker = _new_speaker(fields)
    _full_clean(speaker, exclude=["photo"], validate_unique=False)
    return speaker


def save_new_speakers(speakers):
    """Save speakers made by :func:`build_speaker` in one statement per 500 (inside the caller's
    transaction). An email that exists by now (or twice in the batch) is refused for the batch."""
    emails = [speaker.email for speaker in speakers]
    taken = Speaker.objects.annotate(address=Lower("email")).filter(address__in=emails)
    if len(set(emails)) != len(emails) or taken.exists():
        raise _duplicate_email()
    try:
        with transaction.atomic():
            return Speaker.objects.bulk_create(speakers, batch_size=500)
    except IntegrityError as exc:  # created meanwhile by someone else
        raise _duplicate_email() from exc


@transaction.atomic
def update_speaker(*, speaker, **fields):
    consent = fields.pop("publish_consent", None)
    _apply_speaker_fields(speaker, fields)
    if Speaker.objects.filter(email__iexact=speaker.email).exclude(pk=speaker.pk).exists():
        raise SpeakerError(
            _("A speaker with this email already exists."),
            code="duplicate_email",
            fields={"email": ["taken"]},
            status=409,
        )
    if consent is not None:
        _set_consent(speaker, consent)
    _full_clean(speaker, exclude=["photo"])
    speaker.save()
    return speaker


@transaction.atomic
def delete_speaker(*, speaker, by=None):
    """Delete a speaker with their invitations, places on panels and availability: logged, and
    announced (``signals.speaker_deleted``) inside the transaction, before the row goes."""
    speaker = Speaker.objects.select_for_update().get(pk=speaker.pk)
    panel_ids = sorted(Participation.objects.filter(speaker=speaker).values_list("panel_id", flat=True))
    speaker_deleted.send(sender=Speaker, speaker=speaker, panel_ids=panel_ids, by=by)
    logger.info(
        "Speaker %s deleted by %s (was on panels %s)",
        speaker.pk,
        getattr(by, "pk", None) or "the system",
        panel_ids or "none",
    )
    speaker.delete()


def _set_consent(speaker, consent):
    consent = bool(consent)
    if consent and not speaker.publish_consent:
        speaker.publish_consent_at = timezone.now()
    elif not consent:
        speaker.publish_consent_at = None
    speaker.publish_consent = consent


def process_photo(upload):
    """The photo re-encoded by the one rule for stored photos (core/uploads.py), or a SpeakerError."""
    try:
        return uploads.clean_photo(upload)
    except ValidationError as exc:
        code = "photo_type" if exc.code == "invalid_type" else "photo_too_large"
        raise SpeakerError(exc.messages[0], code=code, fields={"photo": [exc.code]}) from exc


@transaction.atomic
def update_profile(
    *, speaker, bio=None, bio_language=None, photo=None, publish_consent=None, position=None, organization=None
):
    """The expert's own profile changes from the RSVP page: bio, position and organization (in the
    language of the page, ``bio_language``), photo, consent."""
    language = bio_language or speaker.preferred_language or settings.LANGUAGE_CODE
    if language not in settings.LANGUAGE_CODES:
        raise SpeakerError(_("Choose a language among: %s.") % ", ".join(settings.LANGUAGE_CODES))
    update = ["updated_at"]
    if bio is not None:
        if len(bio) > 3000:
            raise SpeakerError(_("The biography is too long: at most 3000 characters."), fields={"bio": ["too_long"]})
        setattr(speaker, f"bio_{language}", bio.strip())
        update.append(f"bio_{language}")
    if position is not None:
        setattr(speaker, f"position_{language}", position.strip()[:200])
        update.append(f"position_{language}")
    if organization is not None:
        setattr(speaker, f"organization_{language}", organization.strip()[:200])
        update.append(f"organization_{language}")
    if photo is not None:
        content = process_photo(photo)
        old = speaker.photo.name if speaker.photo else ""
        speaker.photo.save(content.name, content, save=False)
        update.append("photo")
        if old:
            transaction.on_commit(lambda: speaker.photo.storage.delete(old))
    if publish_consent is not None:
        _set_consent(speaker, publish_consent)
        update += ["publish_consent", "publish_consent_at"]
    speaker.save(update_fields=update)
    return speaker
