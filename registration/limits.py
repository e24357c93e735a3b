"""How many sign-ups the public registration (page and API) accepts, per address and per email.

Whole ministries and agencies register from one egress address, so what is counted per address is
accepted sign-ups, not attempts, and its ceiling is high (``REGISTRATION_ADDRESS_RATE``, 100 an
hour by default). The same email is accepted only a few times an hour
(``REGISTRATION_EMAIL_RATE``): registering again resends the personal link, and this keeps anyone
from flooding a mailbox with it. Attempts of any kind (invalid ones included) only meet the flood
ceiling of the form (``REGISTRATION_FORM_RATE``) or the API's throttle (scope ``registration``).
Bots meet the honeypot and the timing check of the form (registration/forms.py) before any of this.
See docs/security-limits.md.
"""

import hashlib

from django.conf import settings
from django_ratelimit.core import get_usage


def _address(group, request):
    from forum.views import client_address

    return client_address(request)


def _email_key(email):
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return lambda group, request: digest


def _budgets(email):
    return [
        ("registration-accepted-address", _address, settings.REGISTRATION_ADDRESS_RATE),
        ("registration-accepted-email", _email_key(email), settings.REGISTRATION_EMAIL_RATE),
    ]


def refused(request, *, email):
    """True when accepting one more sign-up from this address, or for this email, goes past its
    budget. Counts nothing."""
    for group, key, rate in _budgets(email):
        usage = get_usage(request, group=group, key=key, rate=rate)
        if usage is not None and usage["count"] >= usage["limit"]:
            return True
    return False


def count_accepted(request, *, email):
    """Count an accepted sign-up against the address and the email."""
    for group, key, rate in _budgets(email):
        get_usage(request, group=group, key=key, rate=rate, increment=True)
