"""An account's language: the language messages to an organizer are written in, and the one the
console opens in after signing in.

Organizers choose it on the console's account page; until they do, the site's default language
(``LANGUAGE_CODE``, Azerbaijani) is theirs. Addresses of ``ORGANIZER_EMAILS`` that belong to no
account get the default too.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from .errors import DomainError


def _known(language):
    return language if language in settings.LANGUAGE_CODES else ""


def preferred_language(user):
    """The language the account chose, or "" when it chose none."""
    if user is None or not getattr(user, "pk", None):
        return ""
    from .models import UserPreferences

    return _known(UserPreferences.objects.filter(user_id=user.pk).values_list("language", flat=True).first() or "")


def language_for(user):
    """The language to write to ``user`` in: theirs, else the site's default."""
    return preferred_language(user) or settings.LANGUAGE_CODE


@transaction.atomic
def set_preferred_language(*, user, language):
    """Keep ``language`` (a code of ``LANGUAGES``; "" for the site's default) as the account's."""
    from .models import UserPreferences

    language = (language or "").strip()
    if language and language not in settings.LANGUAGE_CODES:
        raise DomainError(
            _("Choose a language among: %s.") % ", ".join(settings.LANGUAGE_CODES),
            code="invalid_language",
            fields={"language": ["invalid"]},
        )
    preferences, _created = UserPreferences.objects.update_or_create(user=user, defaults={"language": language})
    return preferences


def languages_of(addresses):
    """{address: language} for each address (lower-cased): the language chosen by the active
    account with that address (the oldest account when several chose one), else the site's
    default. One query, whatever the number of addresses."""
    from .models import UserPreferences

    wanted = {address.strip().lower() for address in addresses if address and address.strip()}
    if not wanted:
        return {}
    rows = (
        UserPreferences.objects.annotate(address=Lower("user__email"))
        .filter(user__is_active=True, address__in=wanted)
        .exclude(language="")
        .order_by("-user_id")
        .values_list("address", "language")
    )
    chosen = {address: language for address, language in rows if _known(language)}  # the oldest wins
    return {address: chosen.get(address, settings.LANGUAGE_CODE) for address in sorted(wanted)}
