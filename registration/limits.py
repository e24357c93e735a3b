"""The budgets of attendee registration (page and API), in ``core.ratelimit``'s terms.

Whole ministries and agencies register from one egress address, so what is counted per address is
accepted sign-ups, not attempts, and its ceiling is high (``REGISTRATION_ADDRESS_RATE``, 100 an
hour by default). The same email is accepted only a few times an hour
(``REGISTRATION_EMAIL_RATE``): registering again resends the personal link, and this keeps anyone
from flooding a mailbox with it. Attempts of any kind (invalid ones included) only meet the flood
ceiling of the form (``REGISTRATION_FORM_RATE``) or the API's throttle (scope ``registration``).
Bots meet the honeypot and the timing check of the form (registration/forms.py) before any of this.
Every page reached by a personal link, and its API twin, spend one guessing budget
(``REGISTRATION_LINK_RATE``). See docs/security-limits.md.
"""

from core.ratelimit import Budget, normalized

# Attempts: every POST of the form; every public write of the API (sign-up, confirm or cancel by link).
FORM_ATTEMPTS = Budget("registration-form", setting="REGISTRATION_FORM_RATE")
API_WRITES = Budget("registration-api", scope="registration")
# Accepted sign-ups, page and API together.
ACCEPTED_BY_CLIENT = Budget("registration-accepted-address", setting="REGISTRATION_ADDRESS_RATE")
ACCEPTED_BY_EMAIL = Budget("registration-accepted-email", setting="REGISTRATION_EMAIL_RATE")
# Every page of a personal link and /api/v1/registration-manage/<token>/...
PERSONAL_LINK = Budget("registration-link", setting="REGISTRATION_LINK_RATE")


def _accepted(request, email, *, increment):
    return [
        ACCEPTED_BY_CLIENT.use(request, increment=increment),
        ACCEPTED_BY_EMAIL.use(request, value=normalized(email), increment=increment),
    ]


def refused(request, *, email):
    """True when accepting one more sign-up from this address, or for this email, goes past its
    budget. Counts nothing."""
    return any(usage is not None and usage.full for usage in _accepted(request, email, increment=False))


def count_accepted(request, *, email):
    """Count an accepted sign-up against the address and the email."""
    _accepted(request, email, increment=True)
