"""Pages of attendee registration: the public form, the personal manage page, and the
organizers' list and check-in desk. Views parse input and call services/selectors."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import localtime, spreadsheets
from core.countries import country_name
from core.decorators import organizer_required
from core.forms import parse_id
from core.ratelimit import LINK_AGAIN_BY_CLIENT, LINK_AGAIN_BY_EMAIL, limit
from core.responses import local_path, private_link_headers
from forum import confirm as asking
from forum.models import Forum
from forum.selectors import forum_for_visitor
from panels import selectors as panel_selectors
from panels.models import Panel

from . import agenda, badges, limits, selectors, services
from .errors import RegistrationError
from .forms import BadgeCodeForm, LinkAgainForm, RegistrationForm
from .models import Category, Registration


def _public_panels(forum):
    return list(
        Panel.objects.filter(forum=forum, status=Panel.Status.PUBLISHED, start__isnull=False)
        .select_related("room", "theme", "forum")
        .order_by("start", "room__order", "id")
    )


def _chosen(form):
    """The panel ids ticked in the form (what was posted, or the initial choice)."""
    if "panels" not in form.fields:
        return set()
    return {number for value in form["panels"].value() or () if (number := parse_id(value)) is not None}


def _error_page(request, error, *, forum=None, status=None):
    return private_link_headers(
        render(
            request,
            "registration/error.html",
            {"error": error, "forum": forum},
            status=status or error.status,
        )
    )


@require_http_methods(["GET", "POST"])
@limit(limits.FORM_ATTEMPTS, methods={"POST"}, block=False)
def register(request, slug):
    forum = forum_for_visitor(slug=slug, user=request.user)
    if forum is None:
        raise Http404("No such forum edition.")
    now = timezone.now()
    is_open = selectors.registration_is_open(forum=forum, now=now)
    not_yet = bool(forum.registration_opens_at and now < forum.registration_opens_at)
    context = {
        "forum": forum,
        "not_yet": not_yet,
        "opens_at": services.local_time(forum, forum.registration_opens_at) if not_yet else "",
    }
    if not is_open:
        return render(request, "registration/closed.html", context, status=409 if request.method == "POST" else 200)
    panels = _public_panels(forum)
    status = 200
    if request.method == "POST":
        form = RegistrationForm(request.POST, panels=panels)
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(None, _("Too many registrations from your network. Please try again in an hour."))
            status = 429
        elif form.is_bot:
            # Answer a bot exactly like a person so it learns nothing; nothing is stored.
            return redirect("registration:sent", slug=forum.slug)
        elif form.is_valid() and limits.refused(request, email=form.cleaned_data["email"]):
            form.add_error(None, _("Too many registrations from your network. Please try again in an hour."))
            status = 429
        elif form.is_valid():
            try:
                services.register(forum=forum, **form.service_data())
                limits.count_accepted(request, email=form.cleaned_data["email"])
            except RegistrationError as error:
                for field, problems in error.fields.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
                if not error.fields:
                    form.add_error(None, error.message)
                status = error.status
            else:
                return redirect("registration:sent", slug=forum.slug)
        else:
            status = 400
    else:
        form = RegistrationForm(initial={"language": request.LANGUAGE_CODE}, panels=panels)
    context["form"] = form
    # The choice of panels grouped by day, each with its time, room and theme.
    context["panel_days"] = panel_selectors.group_by_day(panels)
    context["chosen_ids"] = _chosen(form)
    return render(request, "registration/register.html", context, status=status)


@require_http_methods(["POST"])
@limit(LINK_AGAIN_BY_CLIENT, LINK_AGAIN_BY_EMAIL, block=False)
def link_again(request, slug):
    """ "Email me my link again": the same answer whether or not the address is registered."""
    forum = forum_for_visitor(slug=slug, user=request.user)
    if forum is None:
        raise Http404("No such forum edition.")
    form = LinkAgainForm(request.POST)
    if form.is_valid() and not getattr(request, "limited", False):
        services.send_link_again(forum=forum, email=form.cleaned_data["email"])
    return render(request, "registration/link_sent.html", {"forum": forum})


@require_GET
def sent(request, slug):
    forum = forum_for_visitor(slug=slug, user=request.user)
    if forum is None:
        raise Http404("No such forum edition.")
    return render(request, "registration/sent.html", {"forum": forum})


# Every page reached by a personal link shares one per-address budget, so guessing links costs the
# same whichever page is tried; over the limit the visitor gets the 429 page (RATELIMIT_VIEW).
link_rate_limit = limit(limits.PERSONAL_LINK)


@never_cache
@require_http_methods(["GET", "POST"])
@link_rate_limit
def confirm(request, token):
    """GET shows a page with a "Confirm" button; only the POST (CSRF-protected) confirms.

    Mail security gateways (Safe Links, URL defence) open every link in an email before the person
    does; a confirming GET would let them confirm addresses nobody checked, and hold seats for them.
    """
    if request.method == "GET":
        registration, error = _registration_or_error(request, token)
        if error:
            return error
        context = {"registration": registration, "forum": registration.forum, "token": token}
        if registration.status == Registration.Status.CONFIRMED:
            return redirect("registration:manage", token=token)
        if registration.status != Registration.Status.PENDING or registration.hold_expires_at <= timezone.now():
            try:  # refuses with the reason: waitlisted, cancelled, or a hold that expired (released here)
                services.confirm(token=token)
            except RegistrationError as problem:
                return _error_page(request, problem, forum=registration.forum)
        context["hold_until"] = services.local_time(registration.forum, registration.hold_expires_at)
        return private_link_headers(render(request, "registration/confirm.html", context))
    try:
        services.confirm(token=token)
    except RegistrationError as error:
        return _error_page(request, error)
    messages.success(request, _("Thank you: your registration is confirmed. Your badge is below and in your email."))
    return redirect("registration:manage", token=token)


def _access_or_error(request, token):
    access = selectors.access_for_token(token=token)
    if access is None or access.registration.anonymized_at:
        return None, _error_page(request, RegistrationError(_("This link is not valid."), status=404))
    if access.expires_at <= timezone.now():
        return None, _error_page(request, RegistrationError(_("This link has expired."), status=410))
    localtime.use_forum(access.registration.forum)  # the page speaks the edition's time
    return access, None


def _registration_or_error(request, token):
    access, error = _access_or_error(request, token)
    return (access.registration if access else None), error


def _manage_page(request, token, registration, *, error=None, chosen_ids=None):
    forum = registration.forum
    program = selectors.program_with_choices(registration=registration)
    if chosen_ids is None:  # a refused choice is shown again as the person ticked it
        chosen_ids = {panel.pk for panel in program if panel.chosen}
    can_edit = registration.status != Registration.Status.CANCELLED
    choices = [panel for panel in program if panel.status == Panel.Status.PUBLISHED or panel.chosen]
    context = {
        "registration": registration,
        "forum": forum,
        "token": token,
        "position": selectors.waitlist_position(registration=registration),
        "hold_until": services.local_time(forum, registration.hold_expires_at) if registration.hold_expires_at else "",
        "can_cancel": registration.status != Registration.Status.CANCELLED and not registration.checked_in_at,
        "agenda": [panel for panel in program if panel.chosen],
        "can_edit_panels": can_edit,
        "panel_days": panel_selectors.group_by_day(choices) if can_edit else [],
        "chosen_ids": chosen_ids,
        "panels_error": error,
    }
    return private_link_headers(
        render(request, "registration/manage.html", context, status=error.status if error else 200)
    )


@never_cache
@require_GET
@link_rate_limit
def manage(request, token):
    access, error = _access_or_error(request, token)
    if error:
        return error
    # From now on this browser stars panels on the program for this registration.
    agenda.remember(request, access=access)
    return _manage_page(request, token, access.registration)


@require_POST
@link_rate_limit  # the agenda is the personal link's, remembered in this browser
def agenda_star(request, slug):
    """The star on the program and panel pages: add a panel to the agenda of the personal link
    opened in this browser, or take it out. Back to the page it came from, at the panel."""
    forum = forum_for_visitor(slug=slug, user=request.user)
    if forum is None:
        raise Http404("No such forum edition.")
    back = local_path(request, request.POST.get("next"), reverse("panels:program", kwargs={"slug": forum.slug}))
    access = agenda.access_for(request, forum)
    if access is None:
        messages.error(
            request, _("Open the personal link from your registration email in this browser to keep an agenda.")
        )
        return HttpResponseRedirect(back)
    starred = request.POST.get("starred") == "1"
    try:
        _registration, panel = services.star_panel(
            access_id=access.pk, panel_id=request.POST.get("panel"), starred=starred
        )
    except RegistrationError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(back)
    if starred:
        messages.success(request, _("“%(title)s” is in your agenda.") % {"title": panel.title})
    else:
        messages.success(request, _("“%(title)s” was taken out of your agenda.") % {"title": panel.title})
    return HttpResponseRedirect(f"{back.split('#')[0]}#panel-{panel.pk}")


@never_cache
@require_POST
@link_rate_limit
def panels(request, token):
    """Save the person's choice of panels (the form on the manage page; no JavaScript needed)."""
    panel_ids = request.POST.getlist("panels")
    try:
        services.set_panels_of_interest(token=token, panel_ids=panel_ids)
    except RegistrationError as error:
        registration = selectors.registration_for_token(token=token)
        if registration is None or error.status in (404, 410):
            return _error_page(request, error)
        chosen = {number for number in map(parse_id, panel_ids) if number is not None}
        return _manage_page(request, token, registration, error=error, chosen_ids=chosen)
    messages.success(request, _("Your choice of panels is saved."))
    return redirect(reverse("registration:manage", kwargs={"token": token}) + "#agenda")


@never_cache
@require_GET
@link_rate_limit
def badge(request, token):
    registration, error = _registration_or_error(request, token)
    if error:
        return error
    if registration.status != Registration.Status.CONFIRMED:
        return _error_page(
            request,
            RegistrationError(_("The badge is available once your registration is confirmed."), status=409),
            forum=registration.forum,
        )
    response = HttpResponse(badges.badge_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{badges.badge_filename(registration)}"'
    return private_link_headers(response)


@never_cache
@require_GET
@link_rate_limit
def calendar(request, token):
    registration, error = _registration_or_error(request, token)
    if error:
        return error
    response = HttpResponse(badges.ics_bytes(registration), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{badges.ics_filename(registration)}"'
    return private_link_headers(response)


@require_POST
@link_rate_limit
def cancel(request, token):
    if not asking.is_confirmed(request):
        registration = selectors.registration_for_token(token=token)
        if registration is None:
            return _error_page(request, RegistrationError(_("This link is not valid."), code="not_found", status=404))
        return asking.confirmation(
            request,
            title=_("Cancel your registration?"),
            lead=_("Your seat at %(forum)s goes to the next person on the waitlist. This cannot be undone.")
            % {"forum": registration.forum.name},
            action_url=request.path,
            cancel_url=reverse("registration:manage", kwargs={"token": token}),
            buttons=[(asking.CONFIRMED, "yes", _("Yes, cancel my registration"), "danger")],
            forum=registration.forum,
            console=False,
        )
    try:
        services.cancel(token=token)
    except RegistrationError as error:
        return _error_page(request, error)
    messages.success(request, _("Your registration is cancelled. Thank you for letting us know."))
    return redirect("registration:manage", token=token)


# --- organizers --------------------------------------------------------------------------------


def _organizer_forum(slug):
    forum = Forum.objects.filter(slug=slug).first()
    if forum is None:
        raise Http404("No such forum edition.")
    return forum


FILTERS = ("q", "status", "category", "country", "checked_in")


def _filtered(request, forum):
    params = {name: request.GET.get(name, "").strip() for name in FILTERS}
    queryset = selectors.organizer_registrations(
        forum=forum,
        search=params["q"],
        status=params["status"],
        category=params["category"],
        country=params["country"],
        checked_in=params["checked_in"],
    )
    return params, queryset


@organizer_required("registration.view_registration")
@require_GET
def organizer_list(request, slug):
    forum = _organizer_forum(slug)
    params, queryset = _filtered(request, forum)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    counts = selectors.registration_counts(forum=forum)
    status_labels = dict(Registration.Status.choices)
    category_labels = dict(Category.choices)
    context = {
        "forum": forum,
        "page": page,
        "params": params,
        "query": urlencode({key: value for key, value in params.items() if value}),
        "statuses": Registration.Status.choices,
        "categories": Category.choices,
        "by_status": [(status_labels.get(key, key), n) for key, n in counts["status"].items()],
        "by_category": [(category_labels.get(key, key), n) for key, n in counts["category"].items()],
        "by_country": [(country_name(key) or key, n) for key, n in counts["country"].items()],
        "total": sum(counts["status"].values()),
    }
    return private_link_headers(render(request, "registration/organizer/list.html", context))


CSV_COLUMNS = [
    "badge_code", "status", "cancel_reason", "first_name", "last_name", "email", "phone", "organization",
    "position", "country", "category", "language", "panels", "consent_at", "registered_at", "confirmed_at",
    "checked_in_at",
]  # fmt: skip


@organizer_required("registration.view_registration")
@require_GET
def organizer_export(request, slug):
    forum = _organizer_forum(slug)
    _params, queryset = _filtered(request, forum)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="registrations-{forum.slug}.csv"'
    response.write("\ufeff")  # spreadsheets read UTF-8 (Azerbaijani, Russian, Turkish letters)
    writer = spreadsheets.writer(response)
    writer.writerow(CSV_COLUMNS)
    for registration in queryset.prefetch_related("panels"):
        row = [
            registration.badge_code,
            registration.status,
            registration.cancel_reason,
            registration.first_name,
            registration.last_name,
            registration.email,
            registration.phone,
            registration.organization,
            registration.position,
            registration.country.code,
            registration.category,
            registration.language,
            "; ".join(panel.title for panel in registration.panels.all()),
            registration.consent_at.isoformat() if registration.consent_at else "",
            registration.created_at.isoformat(),
            registration.confirmed_at.isoformat() if registration.confirmed_at else "",
            registration.checked_in_at.isoformat() if registration.checked_in_at else "",
        ]
        writer.writerow(row)
    return private_link_headers(response)


@never_cache
@organizer_required("registration.change_registration")
@require_http_methods(["GET", "POST"])
def organizer_checkin(request, slug):
    """The desk: a badge code typed or scanned. In rehearsal mode the page says so on every
    screen and its scans are practice, never attendance."""
    forum = _organizer_forum(slug)
    scan = error = None
    status = 200
    if request.method == "POST":
        form = BadgeCodeForm(request.POST)
        if form.is_valid():
            try:
                scan = services.check_in(forum=forum, code=form.cleaned_data["code"], by=request.user)
            except RegistrationError as exc:
                error = exc
                status = exc.status
            form = BadgeCodeForm()
        else:
            status = 400
    else:
        form = BadgeCodeForm()
    context = {
        "forum": forum,
        "form": form,
        "scan": scan,
        "error": error,
        "scanned_at": services.local_time(forum, scan.scanned_at) if scan else "",
        **selectors.checkin_counts(forum=forum),
        **selectors.desk_state(forum=forum),
    }
    return render(request, "registration/organizer/checkin.html", context, status=status)


@organizer_required("registration.change_registration")
@require_POST
def organizer_rehearsal(request, slug, action):
    """Switch the desk to rehearsal mode and back, each after a page that says what it means."""
    forum = _organizer_forum(slug)
    desk_url = reverse("registration:organizer_checkin", kwargs={"slug": forum.slug})
    if action not in {"start", "end"}:
        raise Http404(_("Unknown action."))
    state = selectors.desk_state(forum=forum)
    if not asking.is_confirmed(request):
        if action == "start":
            lead = _(
                "From now on every scan at this edition's desk, by anyone, is a rehearsal: it is kept apart, "
                "never marks anyone as present and never counts in the reports or the no-show rate."
            )
            if state["forum_day"]:
                lead += " " + _("Today is a forum day: while the desk rehearses, nobody is checked in for real.")
            title = _("Switch the desk to rehearsal mode")
        else:
            lead = ngettext(
                "The rehearsal's %(n)s scan is archived: it leaves the desk and never counts as attendance. "
                "The desk then takes real check-ins on the forum's days.",
                "The rehearsal's %(n)s scans are archived: they leave the desk and never count as attendance. "
                "The desk then takes real check-ins on the forum's days.",
                state["rehearsal_scans"],
            ) % {"n": state["rehearsal_scans"]}
            title = _("Leave rehearsal mode")
        return asking.confirmation(
            request,
            title=title,
            lead=lead,
            audience=asking.audience_text(),
            action_url=request.path,
            cancel_url=desk_url,
            forum=forum,
            buttons=[(asking.CONFIRMED, "yes", _("Yes, go ahead"), "primary")],
        )
    if action == "start":
        services.start_rehearsal(forum=forum, by=request.user)
        messages.success(request, _("The desk is in rehearsal mode: scans do not count as attendance."))
    else:
        ended = services.end_rehearsal(forum=forum, by=request.user)
        if ended is not None:
            messages.success(request, _("Rehearsal mode is over; its scans are archived."))
    return redirect(desk_url)


def _detail_url(forum, pk):
    return reverse("registration:organizer_detail", kwargs={"slug": forum.slug, "pk": pk})


@never_cache
@organizer_required("registration.view_registration")
@require_GET
def organizer_detail(request, slug, pk):
    """Everything about one registration: the person, the seat, the panels, every message."""
    forum = _organizer_forum(slug)
    registration = selectors.organizer_registration(forum=forum, pk=pk)
    if registration is None:
        raise Http404(_("No such registration."))
    context = {
        "forum": forum,
        "registration": registration,
        "messages_sent": selectors.registration_messages(registration=registration),
        "categories": Category.choices,
        "can_change": request.user.has_perm("registration.change_registration"),
    }
    return private_link_headers(render(request, "registration/organizer/detail.html", context))


@organizer_required("registration.change_registration")
@require_POST
def organizer_registration_action(request, slug, pk, action):
    forum = _organizer_forum(slug)
    try:
        if action == "resend":
            services.resend_link_by_organizer(registration_id=pk, forum=forum)
            messages.success(request, _("The personal link was sent again."))
        elif action == "category":
            registration = services.change_category(
                registration_id=pk, forum=forum, category=request.POST.get("category", ""), by=request.user
            )
            messages.success(
                request, _("The category is now %(category)s.") % {"category": registration.get_category_display()}
            )
        elif action == "checkin":
            scan = services.check_in_by_organizer(registration_id=pk, forum=forum, by=request.user)
            if scan.rehearsal:
                messages.warning(
                    request,
                    _("Rehearsal: %(name)s was scanned for practice; this does not count as attendance.")
                    % {"name": scan.registration.full_name},
                )
            else:
                messages.success(request, _("%(name)s is checked in.") % {"name": scan.registration.full_name})
        else:
            raise Http404(_("Unknown action."))
    except RegistrationError as error:
        if error.status == 404:
            raise Http404(error.message) from None
        messages.error(request, error.message)
    return redirect(_detail_url(forum, pk))


@organizer_required("registration.change_registration")
@require_POST
def organizer_cancel(request, slug, pk):
    forum = _organizer_forum(slug)
    if not asking.is_confirmed(request):
        registration = selectors.organizer_registration(forum=forum, pk=pk)
        if registration is None:
            raise Http404(_("No such registration."))
        return asking.confirmation(
            request,
            title=_("Cancel this registration"),
            lead=_("The registration of %(name)s is cancelled and its seat goes to the next person waiting.")
            % {"name": registration.full_name},
            audience=asking.audience_text(attendees=1),
            recipients=[f"{registration.full_name} <{registration.email}>"],
            action_url=request.path,
            cancel_url=_detail_url(forum, pk),
            forum=forum,
        )
    try:
        registration = services.cancel_by_organizer(registration_id=pk, forum=forum, by=request.user)
    except RegistrationError as error:
        if error.status == 404:
            raise Http404(error.message) from None
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The registration of %(name)s is cancelled; its seat went to the waitlist.")
            % {"name": registration.full_name},
        )
    return redirect(_detail_url(forum, pk))
