"""The speaker page as one guided flow: answer → profile → travel → letter → availability →
arrival, each step with a state the checklist shows.

Steps that belong to apps above speakers (the visa letter, the arrival information) come from
those apps' receivers of ``speakers.signals.flow_steps``, so this app never imports them.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import Invitation

ORDER = ["respond", "profile", "travel", "letter", "availability", "arrival"]

STATE_LABELS = {
    "done": _("Done"),
    "todo": _("To do"),
    "optional": _("Optional"),
    "locked": _("After you accept"),
    "not_needed": _("Not needed"),
    "waiting": _("Waiting for the organizers"),
    "ready": _("Ready to read"),
}


@dataclass
class Step:
    key: str
    title: str
    state: str
    template: str = ""
    context: dict = field(default_factory=dict)

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def open(self):
        return self.state not in {"locked", "not_needed"}


class StepProvider:
    """What an app above speakers implements to add a step. ``handle`` saves one POST and returns
    (saved, form): the form carries the errors when ``saved`` is False."""

    key = ""
    title = ""
    template = ""

    def state(self, invitation):
        raise NotImplementedError

    def context(self, invitation, token, form=None):
        return {}

    def handle(self, request, invitation):
        raise NotImplementedError


def _providers():
    """The steps the apps above add, by key (their receivers of ``flow_steps``)."""
    from .signals import flow_steps

    providers = {}
    for _receiver, answer in flow_steps.send(sender=Invitation):
        for provider in answer or ():
            if provider.key not in ORDER:
                raise ValueError(f"unknown step {provider.key!r}")
            providers[provider.key] = provider
    return providers


def provider_for(key):
    return _providers().get(key)


def _accepted(invitation):
    return invitation.state == Invitation.State.ACCEPTED


def _own_state(key, invitation, *, windows):
    accepted = _accepted(invitation)
    if key == "respond":
        return "done" if invitation.state in {Invitation.State.ACCEPTED, Invitation.State.DECLINED} else "todo"
    if key == "profile":
        if invitation.state not in {Invitation.State.SENT, Invitation.State.VIEWED, Invitation.State.ACCEPTED}:
            return "locked"
        return "done" if invitation.speaker.bio else "todo"
    if key == "travel":
        if not accepted:
            return "locked"
        return "done" if invitation.arrival_date and invitation.departure_date else "todo"
    if key == "availability":
        if invitation.state not in {Invitation.State.SENT, Invitation.State.VIEWED, Invitation.State.ACCEPTED}:
            return "locked"
        return "done" if windows else "optional"
    raise KeyError(key)


TITLES = {
    "respond": _("Your answer"),
    "profile": _("Your public profile"),
    "travel": _("Travel and stay"),
    "availability": _("When can you speak?"),
}


def steps(invitation, token, *, windows, forms=None):
    """The steps in order, with their state and, for registered steps, their template and context."""
    forms = forms or {}
    providers = _providers()
    result = []
    for key in ORDER:
        provider = providers.get(key)
        if provider is not None:
            state = provider.state(invitation)
            result.append(
                Step(
                    key=key,
                    title=provider.title,
                    state=state,
                    template=provider.template,
                    context=provider.context(invitation, token, form=forms.get(key)),
                )
            )
        elif key in TITLES:
            result.append(Step(key=key, title=TITLES[key], state=_own_state(key, invitation, windows=windows)))
    return result
