"""The edition's inviting organization, its signatories and the arrival information speakers read,
set up in the console instead of the admin. Each view parses a form and calls one service of the
visas app, which owns the rules (and the upload rule of signatures and stamps)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.decorators import organizer_required
from core.errors import DomainError
from forum import confirm as asking
from forum.forms import apply_domain_error
from visas import selectors as visa_selectors
from visas import services as visa_services
from visas.forms import ArrivalInfoForm, OrganizationForm, SignatoryForm
from visas.models import ArrivalInfo, InvitingOrganization, Signatory

from .editing import _form_page, organizer_forum

ACTIVE = "letters-setup"


def _back(forum):
    return ("organizer:letters-setup", forum.slug)


@never_cache
@organizer_required("visas.view_invitingorganization")
@require_GET
def setup(request, slug):
    """Who invites, who signs, what arriving speakers read: one page, a fixed number of queries."""
    forum = organizer_forum(request, slug)
    context = {"forum": forum, "active": ACTIVE, **visa_selectors.setup(forum=forum)}
    return render(request, "organizer/letters_setup.html", context)


@organizer_required("visas.view_invitingorganization", write_permission="visas.change_invitingorganization")
@require_http_methods(["GET", "POST"])
def organization(request, slug):
    forum = organizer_forum(request, slug)
    instance = InvitingOrganization.objects.filter(forum=forum).first()
    form = OrganizationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            visa_services.save_organization(forum=forum, **form.service_kwargs())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved. Letters issued from now on carry these details."))
            return redirect(*_back(forum))
    return _form_page(
        request,
        form=form,
        title=_("Inviting organization"),
        forum=forum,
        active=ACTIVE,
        cancel_url=_back(forum),
        submit=_("Save"),
        intro=_("As in the organization's registration papers: the letterhead of every visa support letter."),
        status=400 if form.is_bound else 200,
    )


@organizer_required("visas.view_signatory", write_permission="visas.add_signatory")
@require_http_methods(["GET", "POST"])
def signatory_new(request, slug):
    forum = organizer_forum(request, slug)
    organization = InvitingOrganization.objects.filter(forum=forum).first()
    if organization is None:
        messages.error(request, _("Set up the inviting organization before adding a signatory."))
        return redirect("organizer:letters-organization", slug=forum.slug)
    form = SignatoryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            visa_services.add_signatory(organization=organization, **form.service_kwargs())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Signatory added."))
            return redirect(*_back(forum))
    return _form_page(
        request,
        form=form,
        title=_("New signatory"),
        forum=forum,
        active=ACTIVE,
        cancel_url=_back(forum),
        submit=_("Save"),
        multipart=True,
        intro=_("The images are kept privately: only organizers see them, and letters print them."),
        status=400 if form.is_bound else 200,
    )


@organizer_required("visas.view_signatory", write_permission="visas.change_signatory")
@require_http_methods(["GET", "POST"])
def signatory_edit(request, slug, pk):
    forum = organizer_forum(request, slug)
    signatory = get_object_or_404(Signatory, organization__forum=forum, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "remove":
        return _remove_signatory(request, forum, signatory)
    form = SignatoryForm(request.POST or None, request.FILES or None, instance=signatory)
    if request.method == "POST" and form.is_valid():
        try:
            visa_services.update_signatory(signatory=signatory, **form.service_kwargs())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(*_back(forum))
    return render(
        request,
        "organizer/signatory_form.html",
        {
            "form": form,
            "title": signatory.name,
            "forum": forum,
            "active": ACTIVE,
            "signatory": signatory,
            "cancel_url": reverse("organizer:letters-setup", args=[forum.slug]),
            "can_remove": request.user.has_perm("visas.delete_signatory"),
        },
        status=400 if form.is_bound else 200,
    )


def _remove_signatory(request, forum, signatory):
    if not request.user.has_perm("visas.delete_signatory"):
        messages.error(request, _("You may not remove signatories."))
        return redirect("organizer:letters-signatory", slug=forum.slug, pk=signatory.pk)
    if not asking.is_confirmed(request):
        return asking.confirmation(
            request,
            title=_("Remove the signatory"),
            lead=_(
                "%(name)s no longer signs letters; the signature and stamp images are deleted. Letters already "
                "issued stay valid and keep their signature."
            )
            % {"name": signatory.name},
            audience=asking.audience_text(),
            action_url=request.path,
            cancel_url=request.path,
            buttons=[(asking.CONFIRMED, "yes", _("Yes, remove"), "danger")],
            forum=forum,
        )
    visa_services.remove_signatory(signatory=signatory)
    messages.success(request, _("%(name)s was removed.") % {"name": signatory.name})
    return redirect(*_back(forum))


@organizer_required("visas.view_arrivalinfo", write_permission="visas.change_arrivalinfo")
@require_http_methods(["GET", "POST"])
def arrival(request, slug):
    forum = organizer_forum(request, slug)
    instance = ArrivalInfo.objects.filter(forum=forum).first()
    form = ArrivalInfoForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            visa_services.save_arrival_info(forum=forum, **form.service_kwargs())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved. Accepted speakers see it on their page."))
            return redirect(*_back(forum))
    return _form_page(
        request,
        form=form,
        title=_("Arrival information"),
        forum=forum,
        active=ACTIVE,
        cancel_url=_back(forum),
        submit=_("Save"),
        intro=_("The last step of every accepted speaker's page. A language left empty shows the Azerbaijani text."),
        status=400 if form.is_bound else 200,
    )
