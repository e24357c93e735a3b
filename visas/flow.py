"""The letter and arrival steps of the speaker's guided page (registered in speakers.flow)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from speakers.flow import StepProvider, register_step
from speakers.models import Invitation

from . import selectors, services
from .errors import VisaError
from .forms import ApplicantForm
from .models import ArrivalInfo


def _accepted(invitation):
    return invitation.state == Invitation.State.ACCEPTED


def _wants_letter(invitation):
    return invitation.needs_visa_letter or invitation.is_foreign


def _initial(invitation, applicant):
    if applicant is not None:
        return {name: getattr(applicant, name) for name in services.APPLICANT_FIELDS}
    speaker = invitation.speaker
    # A first visit starts from what the travel step already knows.
    return {
        "surname": speaker.last_name_latin,
        "given_names": speaker.first_name_latin,
        "nationality": invitation.nationality.code if invitation.nationality else "",
        "passport_number": invitation.passport_number,
        "passport_expires_on": invitation.passport_expiry,
        "arrival_date": invitation.arrival_date,
        "departure_date": invitation.departure_date,
        "consulate_country": speaker.country.code,
    }


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
            return "waiting"
        return "todo" if invitation.needs_visa_letter else "optional"

    def context(self, invitation, token, form=None):
        if not _accepted(invitation) or not _wants_letter(invitation):
            return {}
        applicant = selectors.applicant_for(invitation)
        letter = selectors.valid_letter(invitation)
        return {
            "applicant_form": form or ApplicantForm(initial=_initial(invitation, applicant)),
            "letter": letter,
            "download_url": reverse("visas:rsvp-letter", kwargs={"token": token}) if letter else "",
            "waiting": applicant is not None and letter is None,
        }

    def handle(self, request, invitation):
        form = ApplicantForm(request.POST)
        if not form.is_valid():
            return False, form
        try:
            services.save_applicant(invitation=invitation, **form.cleaned_data)
        except VisaError as exc:
            for name, problems in exc.fields.items():
                if name in form.fields:
                    form.add_error(name, [str(problem) for problem in problems])
            if not exc.fields:
                form.add_error(None, exc.message)
            return False, form
        # The letter is ready at once when the organizers' side is set up; otherwise the step
        # says it waits for them and the letters desk lists the request.
        if not services.letter_problems(invitation):
            services.issue_letter(invitation=invitation)
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


def register():
    register_step(LetterStep())
    register_step(ArrivalStep())
