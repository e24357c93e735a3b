"""The budgets of the speakers' public pages, in ``core.ratelimit``'s terms (docs/security-limits.md).

Every page reached by an RSVP link (the RSVP page, its calendar, the visa letter) and the RSVP API
spend one guessing budget per client (``RSVP_RATE_LIMIT``). "Email me my link again" spends the
shared budgets of ``core.ratelimit`` (per client and per address asked for).
"""

from core.ratelimit import Budget

PERSONAL_LINK = Budget("rsvp", setting="RSVP_RATE_LIMIT")
