"""Pages: public speaker profiles, the expert's RSVP page, and the organizers' speaker desk."""

import functools

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core import localtime, spreadsheets
from core.decorators import organizer_required
from core.ratelimit import LINK_AGAIN_BY_CLIENT, LINK_AGAIN_BY_EMAIL, limit
from core.responses import private_link_headers
from forum import confirm as asking
from forum.selectors import forum_for_visitor
from panels import selectors as panel_selectors
from panels.conflicts import local_when
from panels.models import Panel

from . import attachments, flow, limits, selectors, services
from .errors import SpeakerError
from .forms import (
    AvailabilityForm,
    ImportForm,
    InvitationChoiceForm,
    InviteForm,
    LinkAgainForm,
    OfferPanelForm,
    PanelChoiceForm,
    ProfileForm,
    RespondForm,
    TravelForm,
)
from .models import Invitation
from .signals import organizer_invitation_sections, travel_export_columns

# --- public ------------------------------------------------------------------------------------


def _public_forum(request, slug):
    forum = forum_for_visitor(slug=slug, user=None)
    if forum is None:
        raise Http404(_("No such forum edition."))
    return forum


@require_GET
def speaker_list(request, slug):
    forum = _public_forum(request, slug)
    speakers = (
        selectors.public_speakers(forum=forum)
        .prefetch_related(selectors.public_sessions_prefetch(forum))
        .order_by("last_name", "first_name", "pk")
    )
    return render(request, "speakers/speaker_list.html", {"forum": forum, "speakers": speakers})


@require_GET
def speaker_detail(request, slug, pk):
    forum = _public_forum(request, slug)
    speaker = get_object_or_404(
        selectors.public_speakers(forum=forum).prefetch_related(selectors.public_sessions_prefetch(forum)), pk=pk
    )
    return render(request, "speakers/speaker_detail.html", {"forum": forum, "speaker": speaker})


# --- RSVP --------------------------------------------------------------------------------------


def _invalid_link(request):
    """The one answer for every link that does not open an invitation."""
    return render(request, "speakers/rsvp_invalid.html", {"link_form": LinkAgainForm()}, status=404)


@require_http_methods(["POST"])
@limit(LINK_AGAIN_BY_CLIENT, LINK_AGAIN_BY_EMAIL, block=False)
def link_again(request):
    """ "Email me my link again": the same answer whether or not the address is known."""
    form = LinkAgainForm(request.POST)
    if form.is_valid() and not getattr(request, "limited", False):
        services.send_link_again(email=form.cleaned_data["email"])
    return render(request, "speakers/link_sent.html")


def with_invitation(view):
    """Rate limit by IP, resolve the token, show the expert's language; every failure looks alike.

    Pages of other apps that hang off a personal link (the visa letter) use it too."""

    @functools.wraps(view)
    def wrapper(request, token, *args, **kwargs):
        if request.limited:
            return render(request, "speakers/rsvp_limited.html", status=429)
        invitation = selectors.invitation_for_token(token=token)
        if invitation is None:
            return _invalid_link(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or invitation.speaker.preferred_language
        if language not in settings.LANGUAGE_CODES:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        localtime.use_forum(invitation.forum)  # the page and its forms speak the edition's time
        response = view(request, invitation, token, *args, **kwargs)
        return private_link_headers(response)

    return limit(limits.PERSONAL_LINK, block=False)(wrapper)


_with_invitation = with_invitation


def _rsvp_context(invitation, token, step_forms=None, saved="", **forms):
    forum = invitation.forum
    offers = list(invitation.offered_panels.select_related("panel__room", "panel__theme"))
    windows = panel_selectors.speaker_availability(forum=forum, speaker=invitation.speaker)
    steps = flow.steps(invitation, token, windows=windows, forms=step_forms)
    context = {
        "invitation": invitation,
        "forum": forum,
        "speaker": invitation.speaker,
        "token": token,
        "offers": offers,
        "sessions": selectors.speaker_sessions(forum=forum, speaker=invitation.speaker),
        "windows": windows,
        "respond_form": RespondForm(offers=offers, initial=_respond_initial(invitation)),
        "travel_form": TravelForm(instance=invitation),
        "availability_form": AvailabilityForm(forum=forum, windows=windows),
        "profile_form": ProfileForm(
            initial={
                # The text of the page's language, else what readers of it see today (the fallback).
                **{
                    name: getattr(invitation.speaker, f"{name}_{translation.get_language()}", "")
                    or getattr(invitation.speaker, name)
                    for name in ("bio", "position", "organization")
                },
                "publish_consent": invitation.speaker.publish_consent,
            }
        ),
        "steps": steps,
        # The passport is asked once, by the letter step (when an app registers one and it is open).
        "passport_step": next((step for step in steps if step.key == "letter" and step.open), None),
        "saved": saved,
        "answerable": invitation.state in {Invitation.State.SENT, Invitation.State.VIEWED, Invitation.State.ACCEPTED,
                                           Invitation.State.DECLINED},
    }  # fmt: skip
    context.update({name: form for name, form in forms.items() if form is not None})
    return context


def _respond_initial(invitation):
    if invitation.state == Invitation.State.ACCEPTED:
        return {"attend": "yes"}
    if invitation.state == Invitation.State.DECLINED:
        return {"attend": "no", "reason": invitation.decline_reason}
    return {}


@never_cache
@require_http_methods(["GET", "POST"])
@_with_invitation
def rsvp(request, invitation, token):
    if request.method == "GET":
        if invitation.state == Invitation.State.SENT:
            invitation = services.record_visit(invitation=invitation)
        return render(request, "speakers/rsvp.html", _rsvp_context(invitation, token))

    action = request.POST.get("action")
    form = None
    forms = {}
    provider = flow.provider_for(action)
    if provider is not None:
        return _registered_step_post(request, invitation, token, provider)
    try:
        if action == "respond":
            offers = list(invitation.offered_panels.select_related("panel"))
            form = forms["respond_form"] = RespondForm(request.POST, offers=offers)
            if form.is_valid():
                invitation = services.respond(
                    invitation=invitation,
                    attend=form.cleaned_data["attend"],
                    panel_answers=form.panel_answers(),
                    reason=form.cleaned_data["reason"],
                )
                messages.success(
                    request,
                    _("Thank you! We look forward to welcoming you.")
                    if invitation.state == Invitation.State.ACCEPTED
                    else _("Thank you for letting us know."),
                    extra_tags="respond",
                )
        elif action == "travel":
            form = forms["travel_form"] = TravelForm(request.POST, instance=Invitation.objects.get(pk=invitation.pk))
            if form.is_valid():
                services.update_travel(
                    invitation=invitation, **{name: form.cleaned_data[name] for name in TravelForm.Meta.fields}
                )
                messages.success(request, _("Your travel details are saved."), extra_tags="travel")
        elif action == "availability":
            form = forms["availability_form"] = AvailabilityForm(
                request.POST,
                forum=invitation.forum,
                windows=panel_selectors.speaker_availability(forum=invitation.forum, speaker=invitation.speaker),
            )
            if form.is_valid():
                change = services.set_availability(invitation=invitation, windows=form.windows())
                messages.success(request, _("Your availability is saved."), extra_tags="availability")
                for session in change.outside:
                    messages.warning(request, _outside_warning(session), extra_tags="availability")
        elif action == "profile":
            form = forms["profile_form"] = ProfileForm(request.POST, request.FILES)
            if form.is_valid():
                services.update_profile(
                    speaker=invitation.speaker,
                    bio=form.cleaned_data["bio"],
                    position=form.cleaned_data["position"],
                    organization=form.cleaned_data["organization"],
                    bio_language=translation.get_language(),
                    photo=form.cleaned_data["photo"] or None,
                    publish_consent=form.cleaned_data["publish_consent"],
                )
                messages.success(request, _("Your profile is saved."), extra_tags="profile")
        else:
            messages.error(request, _("Please choose what to save."))
            return render(request, "speakers/rsvp.html", _rsvp_context(invitation, token), status=400)
    except SpeakerError as exc:
        if form is not None:
            for name, problems in exc.fields.items():
                if name in form.fields:
                    form.add_error(name, [str(p) for p in problems] if name != "photo" else exc.message)
        messages.error(request, exc.message)
        invitation.refresh_from_db()
        return render(request, "speakers/rsvp.html", _rsvp_context(invitation, token, **forms), status=exc.status)
    if form is not None and not form.is_valid():
        messages.error(request, _("Please correct the marked fields."))
        return render(request, "speakers/rsvp.html", _rsvp_context(invitation, token, **forms), status=400)
    return redirect(request.path + f"#{action}")


def _registered_step_post(request, invitation, token, provider):
    """A step another app adds to the page (speakers.flow): it saves, the page shows the result."""
    if flow.provider_for(provider.key) is None or provider.state(invitation) in {"locked", "not_needed"}:
        messages.error(request, _("This step is not open yet."))
        return redirect(request.path + f"#{provider.key}")
    saved, form = provider.handle(request, invitation)
    if not saved:
        messages.error(request, _("Please correct the marked fields."))
        invitation.refresh_from_db()
        context = _rsvp_context(invitation, token, step_forms={provider.key: form})
        return render(request, "speakers/rsvp.html", context, status=400)
    messages.success(request, _("%(step)s: saved.") % {"step": provider.title}, extra_tags=provider.key)
    return redirect(request.path + f"#{provider.key}")


def _outside_warning(session):
    panel = session.panel
    return _(
        "The organizers have placed you on “%(title)s” at %(when)s (%(timezone)s); this is outside the times you "
        "gave. They have been told."
    ) % {
        "title": panel.title,
        "when": local_when(panel.start, panel.end, panel.forum.tz),
        "timezone": panel.forum.timezone,
    }


@never_cache
@require_GET
@_with_invitation
def rsvp_calendar(request, invitation, token):
    """The expert's own sessions (the same calendar the thanks message carries)."""
    filename, body, content_type = attachments.speaker_schedule_ics(invitation_id=invitation.pk)
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- organizers --------------------------------------------------------------------------------


# Organizers read the desk with view_invitation and act on it with change_invitation.
speakers_desk = organizer_required("speakers.view_invitation", write_permission="speakers.change_invitation")


def _staff_forum(request, slug):
    forum = forum_for_visitor(slug=slug, user=request.user)
    if forum is None:
        raise Http404(_("No such forum edition."))
    return forum


def _flag(value):
    return {"1": True, "yes": True, "0": False, "no": False}.get(value or "")


def _filters(request):
    return {
        "state": request.GET.get("state") if request.GET.get("state") in Invitation.State.values else None,
        "foreign": _flag(request.GET.get("foreign")),
        "needs_visa": _flag(request.GET.get("needs_visa")) or None,
        "needs_hotel": _flag(request.GET.get("needs_hotel")) or None,
        "theme": request.GET.get("theme") or None,
        "q": (request.GET.get("q") or "").strip()[:100] or None,
    }


@never_cache
@require_http_methods(["GET", "POST"])
@speakers_desk
def organizer_speakers(request, slug):
    forum = _staff_forum(request, slug)
    if request.method == "POST":
        return _organizer_post(request, forum)
    filters = _filters(request)
    invitations = selectors.organizer_invitations(forum=forum, **filters)
    return render(
        request,
        "speakers/organizer/speakers.html",
        {
            "forum": forum,
            "invitations": invitations,
            "funnel": selectors.invitation_funnel(forum=forum),
            "filters": filters,
            "states": Invitation.State.choices,
            "themes": forum.themes.all(),
            "invite_form": InviteForm(forum=forum),
        },
    )


def _organizer_post(request, forum):
    action = request.POST.get("action")
    choice = InvitationChoiceForm({"invitation": request.POST.getlist("invitation")})
    ids = choice.cleaned_data["invitation"] if choice.is_valid() else []
    if action in {"send", "remind"}:
        if not ids:
            messages.error(request, _("Choose at least one invitation."))
            return redirect("speakers:organizer", slug=forum.slug)
        if len(ids) > 1 and not asking.is_confirmed(request):
            chosen = Invitation.objects.filter(forum=forum, pk__in=ids).select_related("speaker")
            chosen = chosen.order_by("speaker__last_name", "speaker__first_name", "id")
            people = [f"{i.speaker.display_name} <{i.speaker.email}>" for i in chosen]
            return asking.confirmation(
                request,
                title=_("Send the selected invitations") if action == "send" else _("Remind the selected now"),
                lead=_(
                    "Each selected speaker gets a message in their own language; "
                    "those who cannot get one are listed afterwards."
                ),
                audience=asking.audience_text(speakers=len(people)),
                recipients=people,
                action_url=request.path,
                cancel_url=reverse("speakers:organizer", kwargs={"slug": forum.slug}),
                buttons=[(asking.CONFIRMED, "yes", _("Yes, send them"), "primary")],
                forum=forum,
            )
        if action == "send":
            done, skipped = services.bulk_send(forum=forum, invitation_ids=ids, by=request.user)
            if done:
                messages.success(
                    request, ngettext("%(n)s invitation sent.", "%(n)s invitations sent.", len(done)) % {"n": len(done)}
                )
        else:
            done, skipped = services.bulk_remind(forum=forum, invitation_ids=ids)
            if done:
                messages.success(
                    request, ngettext("%(n)s reminder sent.", "%(n)s reminders sent.", len(done)) % {"n": len(done)}
                )
        for name, reason in skipped:
            messages.warning(request, f"{name}: {reason}")
    elif action == "invite":
        form = InviteForm(request.POST, forum=forum)
        if form.is_valid():
            try:
                services.create_invitation(
                    forum=forum,
                    speaker=form.cleaned_data["speaker"],
                    response_deadline=form.cleaned_data["response_deadline"],
                    personal_message=form.cleaned_data["personal_message"],
                    invited_by=request.user,
                )
                messages.success(request, _("Draft invitation created; send it when ready."))
            except SpeakerError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, _("Choose a speaker who is not invited yet."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect("speakers:organizer", slug=forum.slug)


TRAVEL_COLUMNS = [
    "invitation", "state", "last_name", "first_name", "latin_name", "email", "phone", "organization", "country",
    "foreign", "arrival_date", "arrival_flight", "departure_date", "departure_flight", "accommodation",
    "needs_visa_letter", "dietary_needs", "accessibility_needs", "interpretation_language", "av_needs",
]  # fmt: skip


@never_cache
@require_GET
@speakers_desk
def organizer_travel_csv(request, slug):
    forum = _staff_forum(request, slug)
    invitations = list(selectors.organizer_invitations(forum=forum, **_filters(request)))
    # Columns of the apps above (passport and letter, from visas), each a fixed number of queries.
    extra_columns, extra_values = [], []
    for _receiver, answer in travel_export_columns.send(sender=Invitation, invitations=invitations):
        if answer:
            columns, values = answer
            extra_columns += list(columns)
            extra_values.append((len(columns), values))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{forum.slug}-speaker-travel.csv"'
    response.write("\ufeff")
    writer = spreadsheets.writer(response)
    writer.writerow(TRAVEL_COLUMNS + extra_columns)
    for inv in invitations:
        speaker = inv.speaker
        row = [
            inv.pk, inv.state, speaker.last_name, speaker.first_name, speaker.latin_name, speaker.email,
            speaker.phone, speaker.organization, speaker.country.code, "yes" if inv.is_foreign else "no",
            inv.arrival_date or "", inv.arrival_flight, inv.departure_date or "", inv.departure_flight,
            inv.accommodation, "yes" if inv.needs_visa_letter else "no", inv.dietary_needs, inv.accessibility_needs,
            inv.interpretation_language, inv.av_needs,
        ]  # fmt: skip
        for width, values in extra_values:
            row += list(values.get(inv.pk) or [""] * width)
        writer.writerow(row)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@speakers_desk
def organizer_import(request, slug):
    forum = _staff_forum(request, slug)
    result = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            try:
                # Always checked here first (quick, writes nothing); the import itself runs in the
                # background, so a file of thousands of rows never outlasts the request.
                result = services.import_speakers(
                    forum=forum,
                    content=content,
                    filename=upload.name,
                    dry_run=True,
                    create_invitations=form.cleaned_data["create_invitations"],
                    by=request.user,
                )
            except SpeakerError as exc:
                messages.error(request, exc.message)
                status = 400
            if result is not None and not result.ok:
                status = 400
            elif result is not None and not form.cleaned_data["dry_run"]:
                job = services.start_import(
                    forum=forum,
                    content=content,
                    filename=upload.name,
                    create_invitations=form.cleaned_data["create_invitations"],
                    by=request.user,
                )
                messages.success(request, _("The file is valid; the import runs in the background."))
                return redirect("organizer:job", slug=forum.slug, pk=job.pk)
        else:
            status = 400
    else:
        form = ImportForm()
    return render(
        request,
        "speakers/organizer/import.html",
        {"forum": forum, "form": form, "result": result, "columns": services.IMPORT_COLUMNS},
        status=status,
    )


def _sections(request, invitation):
    sections = []
    for _receiver, section in organizer_invitation_sections.send(
        sender=Invitation, invitation=invitation, request=request
    ):
        if section:
            sections.append(section)
    return sections


@never_cache
@require_http_methods(["GET", "POST"])
@speakers_desk
def organizer_invitation(request, slug, pk):
    forum = _staff_forum(request, slug)
    invitation = get_object_or_404(Invitation.objects.select_related("speaker", "forum"), forum=forum, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "send":
                services.send_invitation(invitation=invitation, by=request.user)
                messages.success(request, _("Invitation sent."))
            elif action == "remind":
                if services.remind_invitation(invitation=invitation) is None:
                    messages.warning(request, _("A reminder already went out today."))
                else:
                    messages.success(request, _("Reminder sent."))
            elif action == "withdraw" and not asking.is_confirmed(request):
                return asking.confirmation(
                    request,
                    title=_("Withdraw the invitation"),
                    lead=_("%(name)s can no longer answer this invitation; their personal link stops working.")
                    % {"name": invitation.speaker.display_name},
                    audience=asking.audience_text(),
                    action_url=request.path,
                    cancel_url=request.path,
                    forum=forum,
                )
            elif action == "withdraw":
                services.withdraw_invitation(invitation=invitation)
                messages.success(request, _("Invitation withdrawn."))
            elif action == "offer":
                form = OfferPanelForm(request.POST, forum=forum)
                if not form.is_valid():
                    raise SpeakerError(_("Choose a panel and a role."))
                services.offer_panel(
                    invitation=invitation, panel=form.cleaned_data["panel"], role=form.cleaned_data["role"]
                )
                messages.success(request, _("Panel offered."))
            elif action == "unoffer":
                choice = PanelChoiceForm(request.POST)
                if not choice.is_valid():
                    raise SpeakerError(_("Choose a panel."))
                panel = get_object_or_404(Panel, forum=forum, pk=choice.cleaned_data["panel"])
                services.remove_panel_offer(invitation=invitation, panel=panel)
                messages.success(request, _("Offer removed."))
            else:
                messages.error(request, _("Unknown action."))
        except SpeakerError as exc:
            messages.error(request, exc.message)
        return redirect("speakers:organizer-invitation", slug=forum.slug, pk=invitation.pk)
    windows = panel_selectors.speaker_availability(forum=forum, speaker=invitation.speaker)
    return render(
        request,
        "speakers/organizer/invitation.html",
        {
            "forum": forum,
            "invitation": invitation,
            "speaker": invitation.speaker,
            "offers": invitation.offered_panels.select_related("panel__room", "panel__theme"),
            "sessions": selectors.speaker_sessions(forum=forum, speaker=invitation.speaker),
            "windows": windows,
            "outside": [
                {"panel": session.panel, "when": local_when(session.panel.start, session.panel.end, forum.tz)}
                for session in panel_selectors.sessions_outside_availability(
                    forum=forum, speaker=invitation.speaker, windows=[(w.start, w.end) for w in windows]
                )
            ],
            # Sections of the apps above (the visa letter): speakers never imports them.
            "sections": _sections(request, invitation),
            "offer_form": OfferPanelForm(forum=forum),
        },
    )
