"""The letter and arrival steps of the speaker's guided page (registered in speakers.flow)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from speakers.flow import StepProvider
from speakers.models import Invitation

from . import selectors, services
from .errors import VisaError
from .forms import ApplicantForm
from .models import ArrivalInfo


def _accepted(invitation):
    return invitation.state == Invitation.State.ACCEPTED


def _wants_letter(invitation):
    return invitation.needs_visa_letter or invitation.is_foreign


class LetterStep(StepProvider):
    key = "letter"
    title = _("Visa support letter")
    template = "visas/step_letter.html"

    def state(self, invitation):
        if not _accepted(invitation):
            return "locked"
        if not _wants_letter(invitation):
            return "not_needed"
        if selectors.valid_letter(invitation) is not None:
            return "done"
        if selectors.applicant_for(invitation) is not None:
            # Ready as soon as the organizers' side is set up: the download issues it.
            return "waiting" if services.letter_problems(invitation) else "done"
        return "todo" if invitation.needs_visa_letter else "optional"

    def context(self, invitation, token, form=None):
        if not _accepted(invitation) or not _wants_letter(invitation):
            return {}
        applicant = selectors.applicant_for(invitation)
        letter = selectors.valid_letter(invitation)
        ready = letter is not None or (applicant is not None and not services.letter_problems(invitation))
        return {
            "applicant_form": form or ApplicantForm(initial=selectors.applicant_initial(invitation, applicant)),
            "letter": letter,
            "download_url": reverse("visas:rsvp-letter", kwargs={"token": token}) if ready else "",
            "waiting": applicant is not None and not ready,
        }

    def handle(self, request, invitation):
        form = ApplicantForm(request.POST)
        if not form.is_valid():
            return False, form
        try:
            services.submit_applicant(invitation=invitation, **form.cleaned_data)
        except VisaError as exc:
            for name, problems in exc.fields.items():
                if name in form.fields:
                    form.add_error(name, [str(problem) for problem in problems])
            if not exc.fields:
                form.add_error(None, exc.message)
            return False, form
        return True, form


class ArrivalStep(StepProvider):
    key = "arrival"
    title = _("Arrival information")
    template = "visas/step_arrival.html"

    def state(self, invitation):
        if not _accepted(invitation):
            return "locked"
        return "ready" if ArrivalInfo.objects.filter(forum_id=invitation.forum_id).exists() else "waiting"

    def context(self, invitation, token, form=None):
        return {"arrival": ArrivalInfo.objects.filter(forum_id=invitation.forum_id).first()}

    def handle(self, request, invitation):
        return False, None


STEPS = (LetterStep(), ArrivalStep())
