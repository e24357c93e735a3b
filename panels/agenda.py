"""A visitor's personal agenda on the program and panel pages.

Panels do not know registrations (registration imports panels, never the reverse). The
registration app registers a provider from its AppConfig.ready: given the request and a forum, it
answers the agenda of the attendee whose personal link was opened in this browser, or None. The
pages then show a star on each panel, flag overlaps among the starred ones, and post the star to
the provider's ``toggle_url``; the choice is stored on the registration, so another device that
opens the same personal link sees the same stars.
"""

from dataclasses import dataclass, field

from .models import Panel


@dataclass(frozen=True)
class Agenda:
    starred: frozenset
    toggle_url: str
    manage_url: str
    overlaps: frozenset = field(default_factory=frozenset)


_providers = []


def register_agenda_provider(provider, *, holds):
    """``provider(request=, forum=)`` returns ``(starred panel ids, toggle_url, manage_url)`` or
    None; ``holds(request=, forum=)`` says, without a query of its own, whether it might answer (the
    pages then skip their shared cache and conditional answers)."""
    if (provider, holds) not in _providers:
        _providers.append((provider, holds))
    return provider


def may_have_agenda(*, request, forum):
    return any(holds(request=request, forum=forum) for _provider, holds in _providers)


def overlapping(panels):
    """Ids of the panels that overlap in time with another one of ``panels`` (cancelled ones aside)."""
    live = sorted(
        (panel for panel in panels if panel.start and panel.status != Panel.Status.CANCELLED), key=lambda p: p.start
    )
    found = set()
    for index, panel in enumerate(live):
        for other in live[index + 1 :]:
            if other.start >= panel.end:
                break
            found.update((panel.pk, other.pk))
    return frozenset(found)


def agenda_for(*, request, forum):
    """The visitor's agenda for ``forum``, or None (no personal link opened in this browser)."""
    for provider, holds in _providers:
        if not holds(request=request, forum=forum):
            continue
        answer = provider(request=request, forum=forum)
        if answer is not None:
            starred, toggle_url, manage_url = answer
            chosen = Panel.objects.filter(forum=forum, pk__in=starred).only("pk", "start", "end", "status")
            return Agenda(
                starred=frozenset(starred), toggle_url=toggle_url, manage_url=manage_url,
                overlaps=overlapping(list(chosen)) if starred else frozenset(),
            )  # fmt: skip
    return None
