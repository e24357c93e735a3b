"""A visitor's personal agenda on the program and panel pages.

Panels do not know registrations (registration imports panels, never the reverse). The pages ask
through the signals ``agenda_may_be_held`` and ``agenda_requested`` (``panels.signals``);
registration answers in its receivers with the agenda of the attendee whose personal link was
opened in this browser, or None. The pages then show a star on each panel, flag overlaps among the
starred ones, and post the star to the answer's ``toggle_url``; the choice is stored on the
registration, so another device that opens the same personal link sees the same stars.
"""

from dataclasses import dataclass, field

from .models import Panel
from .signals import agenda_may_be_held, agenda_requested


@dataclass(frozen=True)
class Agenda:
    starred: frozenset
    toggle_url: str
    manage_url: str
    overlaps: frozenset = field(default_factory=frozenset)


def may_have_agenda(*, request, forum):
    return any(answer for _receiver, answer in agenda_may_be_held.send(sender=Panel, request=request, forum=forum))


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
    for _receiver, answer in agenda_requested.send(sender=Panel, request=request, forum=forum):
        if answer is not None:
            starred, toggle_url, manage_url = answer
            chosen = Panel.objects.filter(forum=forum, pk__in=starred).only("pk", "start", "end", "status")
            return Agenda(
                starred=frozenset(starred), toggle_url=toggle_url, manage_url=manage_url,
                overlaps=overlapping(list(chosen)) if starred else frozenset(),
            )  # fmt: skip
    return None
