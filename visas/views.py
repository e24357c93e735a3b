"""Pages: the public verification page, the organizers' letters desk, and private files."""

import io
import zipfile

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_countries import countries

from core.decorators import organizer_required
from core.ratelimit import Budget
from core.responses import private_file_response
from forum.selectors import forum_for_visitor
from speakers.models import Invitation
from speakers.views import with_invitation

from . import selectors, services
from .errors import VisaError
from .forms import CoverageForm, RevokeForm
from .models import InvitingOrganization, Payer, VisaLetter
from .storage import private_storage

# --- public verification ------------------------------------------------------------------------


# Per client, every reference tried (core.ratelimit).
VERIFY_BUDGET = Budget("visa-verify", setting="VISA_VERIFY_RATE")


@never_cache
@require_GET
def verify(request, code):
    """What a consulate sees after scanning the QR code. Every reference that is not a letter gets
    the same page, so the answers tell nothing about which references exist."""
    if VERIFY_BUDGET.spend(request):
        response = render(request, "visas/verify_limited.html", status=429)
    else:
        letter = selectors.letter_for_code(code)
        if letter is None:
            response = render(request, "visas/verify_unknown.html", status=404)
        else:
            response = render(request, "visas/verify.html", {"letter": letter, "forum": letter.invitation.forum})
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- organizers ---------------------------------------------------------------------------------

letters_desk_guard = organizer_required("speakers.view_invitation", write_permission="speakers.change_invitation")


def _staff_forum(request, slug):
    forum = forum_for_visitor(slug=slug, user=request.user)
    if forum is None:
        raise Http404(_("No such forum edition."))
    return forum


def _organization_warning(forum):
    organization = InvitingOrganization.objects.filter(forum=forum).first()
    if organization is None:
        return _("No inviting organization is set up for this forum: no letter can be issued.")
    if selectors.signing_signatory(organization) is None:
        return _("No signatory with a signature and a stamp is set up: no letter can be issued.")
    return ""


STATUSES = {"requested", "valid", "revoked", "ended"}


@never_cache
@require_GET
@letters_desk_guard
def desk(request, slug):
    forum = _staff_forum(request, slug)
    status = request.GET.get("status") if request.GET.get("status") in STATUSES else None
    country = request.GET.get("country") if request.GET.get("country") in dict(countries) else None
    rows = selectors.letters_desk(forum=forum, status=status, consulate_country=country)
    return render(
        request,
        "visas/desk.html",
        {
            "forum": forum,
            "rows": rows,
            "status": status,
            "country": country,
            "warning": _organization_warning(forum),
            "countries": selectors.consulate_countries(forum=forum),
        },
    )


def _desk_invitation(forum, pk):
    return get_object_or_404(Invitation.objects.select_related("speaker", "forum"), forum=forum, pk=pk)


@never_cache
@require_http_methods(["GET", "POST"])
@letters_desk_guard
def desk_invitation(request, slug, pk):
    forum = _staff_forum(request, slug)
    invitation = _desk_invitation(forum, pk)
    coverage = selectors.coverage_for(invitation)
    form = CoverageForm(initial={"travel": coverage.travel, "accommodation": coverage.accommodation,
                                 "meals": coverage.meals})  # fmt: skip
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "coverage":
                form = CoverageForm(request.POST)
                if form.is_valid():
                    services.set_cost_coverage(invitation=invitation, **form.cleaned_data)
                    messages.success(request, _("Cost coverage saved."))
                    return redirect("visas:desk-invitation", slug=forum.slug, pk=invitation.pk)
                status = 400
            elif action == "issue":
                letter = services.issue_letter(invitation=invitation, by=request.user)
                messages.success(request, _("Letter %(reference)s is current.") % {"reference": letter.reference})
                return redirect("visas:desk-invitation", slug=forum.slug, pk=invitation.pk)
            else:
                messages.error(request, _("Unknown action."))
                status = 400
        except VisaError as exc:
            messages.error(request, exc.message)
            status = exc.status
    return render(
        request,
        "visas/desk_invitation.html",
        {
            "forum": forum,
            "invitation": invitation,
            "applicant": selectors.applicant_for(invitation),
            "letters": invitation.issued_visa_letters.select_related("superseded_by"),
            "problems": services.letter_problems(invitation),
            "form": form,
            "payers": Payer,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@letters_desk_guard
def revoke(request, slug, pk):
    """Revoking is shown first with its consequence, then confirmed with a reason."""
    forum = _staff_forum(request, slug)
    letter = get_object_or_404(VisaLetter.objects.select_related("invitation__speaker"), invitation__forum=forum, pk=pk)
    form = RevokeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.revoke_letter(letter=letter, reason=form.cleaned_data["reason"])
                messages.success(request, _("Letter %(reference)s is revoked.") % {"reference": letter.reference})
                return redirect("visas:desk-invitation", slug=forum.slug, pk=letter.invitation_id)
            except VisaError as exc:
                messages.error(request, exc.message)
                status = exc.status
        else:
            status = 400
    return render(request, "visas/revoke.html", {"forum": forum, "letter": letter, "form": form}, status=status)


@never_cache
@require_GET
@letters_desk_guard
def letter_pdf(request, slug, pk):
    forum = _staff_forum(request, slug)
    letter = get_object_or_404(VisaLetter, invitation__forum=forum, pk=pk)
    return _letter_response(letter)


def _letter_response(letter):
    """An issued letter is a private file: behind nginx it leaves through the internal location."""
    if not letter.pdf:
        raise Http404
    return private_file_response(
        letter.pdf.storage,
        letter.pdf.name,
        filename=f"visa-letter-{letter.reference}.pdf",
        content_type="application/pdf",
    )


def _pdf_response(content, filename, content_type="application/pdf"):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_GET
@letters_desk_guard
def bulk_download(request, slug):
    """Every valid letter for one consulate country, as one PDF or as a zip of PDFs."""
    forum = _staff_forum(request, slug)
    country = request.GET.get("country") if request.GET.get("country") in dict(countries) else None
    kind = "zip" if request.GET.get("format") == "zip" else "pdf"
    letters = selectors.valid_letters(forum=forum, consulate_country=country)
    if not letters:
        messages.error(request, _("No valid letter matches: nothing to download."))
        return desk(request, slug)
    name = f"{forum.slug}-visa-letters{'-' + country.lower() if country else ''}"
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for letter in letters:
                archive.writestr(f"{letter.reference}.pdf", letter.pdf.open("rb").read())
        return _pdf_response(buffer.getvalue(), f"{name}.zip", "application/zip")
    from pypdf import PdfWriter

    writer = PdfWriter()
    for letter in letters:
        writer.append(io.BytesIO(letter.pdf.open("rb").read()))
    buffer = io.BytesIO()
    writer.write(buffer)
    return _pdf_response(buffer.getvalue(), f"{name}.pdf")


@never_cache
@require_GET
@organizer_required("speakers.view_invitation")
def private_file(request, name):
    """Signatures, stamps and letters, for organizers only (never under MEDIA_URL)."""
    storage = private_storage()
    if ".." in name.split("/") or not name.startswith("visas/") or not storage.exists(name):
        raise Http404
    return private_file_response(storage, name)


# --- the letter from the speaker's link and from the organizers' page of an invitation ----------


@never_cache
@require_GET
@with_invitation
def rsvp_letter(request, invitation, token):
    """The speaker's current letter, from their personal link (the one RSVP guard: rate limit,
    token check, the same answer for every bad link). Not ready: back to the letter step with
    what is missing."""
    try:
        letter = services.issue_letter(invitation=invitation)
    except VisaError as exc:
        messages.error(
            request,
            _("Your visa support letter is not ready yet: %(reasons)s") % {"reasons": exc.message},
            extra_tags="letter",
        )
        return redirect(reverse("speakers:rsvp", kwargs={"token": token}) + "#letter")
    return _letter_response(letter)


@never_cache
@require_GET
@letters_desk_guard
def invitation_letter(request, slug, pk):
    """The current letter of one invitation, from the organizers' page of that invitation (the
    address the English letter had). Not ready: back to that page with what is missing."""
    forum = _staff_forum(request, slug)
    invitation = _desk_invitation(forum, pk)
    try:
        letter = services.issue_letter(invitation=invitation, by=request.user)
    except VisaError as exc:
        messages.error(request, _("No visa letter yet: %(reasons)s") % {"reasons": exc.message})
        return redirect(reverse("speakers:organizer-invitation", kwargs={"slug": forum.slug, "pk": invitation.pk}))
    return _letter_response(letter)
