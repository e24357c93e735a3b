"""Creating and editing in the console: editions (and their copy to next year), rooms, themes,
panels, speakers and their invitations. Each view parses a form, calls one domain service and
shows the service's refusal on the form, in the organizer's language."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.decorators import organizer_required
from core.errors import DomainError
from forum import selectors as forums
from forum import services as forum_services
from forum.forms import CopyForumForm, ForumForm, RoomForm, ThemeForm, apply_domain_error
from panels import services as panel_services
from panels.forms import PanelForm
from panels.models import Panel, Participation
from speakers import services as speaker_services
from speakers.forms import OrganizerInvitationForm, OrganizerSpeakerForm
from speakers.models import Invitation


def organizer_forum(request, slug):
    forum = forums.visible_forums(user=request.user).filter(slug=slug).first()
    if forum is None:
        raise Http404(_("No such forum edition."))
    return forum


def _form_page(request, *, form, title, forum=None, active=None, cancel_url, submit, multipart=False, status=200,
               intro=None):  # fmt: skip
    if isinstance(cancel_url, tuple):
        cancel_url = reverse(cancel_url[0], args=cancel_url[1:])
    elif isinstance(cancel_url, str):
        cancel_url = reverse(cancel_url)
    else:  # an edition: back to its overview
        cancel_url = reverse("organizer:dashboard", args=[cancel_url.slug])
    context = {
        "form": form,
        "title": title,
        "forum": forum,
        "active": active,
        "cancel_url": cancel_url,
        "submit": submit,
        "multipart": multipart,
        "intro": intro,
    }
    return render(request, "organizer/form.html", context, status=status)


# --- editions --------------------------------------------------------------------------------


@never_cache
@organizer_required("forum.view_forum")
@require_GET
def editions(request):
    """Where an organizer lands after signing in: every edition, newest first."""
    items = forums.visible_forums(user=request.user).order_by("-start_date", "-edition")
    return render(
        request,
        "organizer/editions.html",
        {"editions": items, "active": "editions", "can_add": request.user.has_perm("forum.add_forum")},
    )


@organizer_required("forum.add_forum")
@require_http_methods(["GET", "POST"])
def edition_new(request):
    form = ForumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            forum = forum_services.create_forum(**form.service_kwargs())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Created %(forum)s with the five standard themes.") % {"forum": forum})
            return redirect("organizer:rooms", slug=forum.slug)
    return _form_page(
        request,
        form=form,
        title=_("New edition"),
        active="editions",
        cancel_url="organizer:editions",
        submit=_("Create the edition"),
        status=400 if form.is_bound else 200,
    )


@organizer_required("forum.change_forum")
@require_http_methods(["GET", "POST"])
def edition_edit(request, slug):
    forum = organizer_forum(request, slug)
    form = ForumForm(request.POST or None, instance=forum)
    if request.method == "POST" and form.is_valid():
        try:
            forum = forum_services.update_forum(forum=forum, **form.service_kwargs())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("organizer:dashboard", slug=forum.slug)
    return _form_page(
        request,
        form=form,
        title=_("Edit the edition"),
        forum=forum,
        active="dashboard",
        cancel_url=forum,
        submit=_("Save"),
        status=400 if form.is_bound else 200,
    )


@organizer_required("forum.add_forum")
@require_http_methods(["GET", "POST"])
def edition_copy(request, slug):
    """Copy to next year: the new name, dates and address are asked first; nothing is created
    until the form is valid and the service accepts it."""
    source = organizer_forum(request, slug)
    form = CopyForumForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        try:
            copy = forum_services.copy_forum(source=source, **form.service_kwargs())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Created %(copy)s: rooms, themes and panels (as drafts).") % {"copy": copy})
            return redirect("organizer:dashboard", slug=copy.slug)
    return _form_page(
        request,
        form=form,
        title=_("Copy to next year"),
        forum=source,
        active="dashboard",
        cancel_url=source,
        submit=_("Create next year's edition"),
        intro=_("Rooms, themes and panels (as drafts, without times) are copied; speakers are invited afresh."),
        status=400 if form.is_bound else 200,
    )


# --- rooms and themes ------------------------------------------------------------------------


@never_cache
@organizer_required("forum.view_room")
@require_GET
def rooms(request, slug):
    forum = organizer_forum(request, slug)
    context = {
        "forum": forum,
        "active": "panels",
        "rooms": forum.rooms.annotate(panel_count=Count("panels")).order_by("order", "id"),
        "themes": forum.themes.annotate(panel_count=Count("panels")).order_by("order", "id"),
    }
    return render(request, "organizer/rooms.html", context)


def _part_form(request, slug, *, kind, pk=None):
    forum = organizer_forum(request, slug)
    model = forum.rooms if kind == "room" else forum.themes
    instance = get_object_or_404(model, pk=pk) if pk else None
    form_class = RoomForm if kind == "room" else ThemeForm
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            if kind == "room" and instance:
                forum_services.update_room(room=instance, **form.service_kwargs())
            elif kind == "room":
                forum_services.create_room(forum=forum, **form.service_kwargs())
            elif instance:
                forum_services.update_theme(theme=instance, **form.service_kwargs())
            else:
                forum_services.create_theme(forum=forum, **form.service_kwargs())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("organizer:rooms", slug=forum.slug)
    titles = {
        ("room", False): _("New room"),
        ("room", True): _("Edit the room"),
        ("theme", False): _("New theme"),
        ("theme", True): _("Edit the theme"),
    }
    return _form_page(
        request,
        form=form,
        title=titles[(kind, bool(instance))],
        forum=forum,
        active="panels",
        cancel_url=("organizer:rooms", forum.slug),
        submit=_("Save"),
        status=400 if form.is_bound else 200,
    )


@organizer_required("forum.view_room", write_permission="forum.add_room")
@require_http_methods(["GET", "POST"])
def room_new(request, slug):
    return _part_form(request, slug, kind="room")


@organizer_required("forum.view_room", write_permission="forum.change_room")
@require_http_methods(["GET", "POST"])
def room_edit(request, slug, pk):
    return _part_form(request, slug, kind="room", pk=pk)


@organizer_required("forum.view_theme", write_permission="forum.add_theme")
@require_http_methods(["GET", "POST"])
def theme_new(request, slug):
    return _part_form(request, slug, kind="theme")


@organizer_required("forum.view_theme", write_permission="forum.change_theme")
@require_http_methods(["GET", "POST"])
def theme_edit(request, slug, pk):
    return _part_form(request, slug, kind="theme", pk=pk)


# --- panels ----------------------------------------------------------------------------------


@never_cache
@organizer_required("panels.view_panel")
@require_GET
def panels(request, slug):
    forum = organizer_forum(request, slug)
    speakers = Prefetch("participations", queryset=Participation.objects.select_related("speaker"))
    items = (
        Panel.objects.filter(forum=forum)
        .select_related("room", "theme")
        .prefetch_related(speakers)
        .order_by("start", "title", "id")
    )
    return render(request, "organizer/panels.html", {"forum": forum, "active": "panels", "panels": items})


def _panel_form(request, slug, pk=None):
    forum = organizer_forum(request, slug)
    instance = get_object_or_404(Panel, forum=forum, pk=pk) if pk else None
    form = PanelForm(request.POST or None, forum=forum, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            if instance:
                panel_services.update_panel(panel=instance, actor=request.user, **form.service_kwargs())
            else:
                panel_services.create_panel(forum=forum, actor=request.user, **form.service_kwargs())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved. Place the panel on the program grid to give it a room and a time."))
            return redirect("organizer:panels", slug=forum.slug)
    return _form_page(
        request,
        form=form,
        title=_("Edit the panel") if instance else _("New panel"),
        forum=forum,
        active="panels",
        cancel_url=("organizer:panels", forum.slug),
        submit=_("Save"),
        status=400 if form.is_bound else 200,
    )


@organizer_required("panels.view_panel", write_permission="panels.add_panel")
@require_http_methods(["GET", "POST"])
def panel_new(request, slug):
    return _panel_form(request, slug)


@organizer_required("panels.view_panel", write_permission="panels.change_panel")
@require_http_methods(["GET", "POST"])
def panel_edit(request, slug, pk):
    return _panel_form(request, slug, pk)


# --- speakers and invitations ----------------------------------------------------------------


@never_cache
@organizer_required("speakers.view_speaker")
@require_GET
def speakers(request, slug):
    forum = organizer_forum(request, slug)
    items = (
        Invitation.objects.filter(forum=forum)
        .select_related("speaker")
        .order_by("speaker__last_name", "speaker__first_name", "id")
    )
    return render(request, "organizer/speakers.html", {"forum": forum, "active": "speakers", "invitations": items})


def _save_photo(speaker, form):
    photo = form.cleaned_data.get("photo")
    if photo:
        # The same checks and resizing as the speaker's own upload on the RSVP page.
        speaker_services.update_profile(speaker=speaker, photo=photo)


@organizer_required("speakers.view_speaker", write_permission="speakers.add_speaker")
@require_http_methods(["GET", "POST"])
def speaker_new(request, slug):
    """A new speaker, then straight to their invitation to this edition."""
    from django.db import transaction

    forum = organizer_forum(request, slug)
    form = OrganizerSpeakerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                speaker = speaker_services.create_speaker(**form.service_kwargs())
                _save_photo(speaker, form)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request, _("%(name)s was added. Now write the invitation.") % {"name": speaker.display_name}
            )
            return redirect("organizer:speaker-invite", slug=forum.slug, speaker_id=speaker.pk)
    return _form_page(
        request,
        form=form,
        title=_("New speaker"),
        forum=forum,
        active="speakers",
        cancel_url=("organizer:speakers", forum.slug),
        submit=_("Save and write the invitation"),
        multipart=True,
        intro=_("Whether the profile is public is the speaker's own choice, made on their invitation page."),
        status=400 if form.is_bound else 200,
    )


@organizer_required("speakers.view_speaker", write_permission="speakers.change_speaker")
@require_http_methods(["GET", "POST"])
def speaker_edit(request, slug, speaker_id):
    from django.db import transaction

    forum = organizer_forum(request, slug)
    invitation = get_object_or_404(Invitation.objects.select_related("speaker"), forum=forum, speaker_id=speaker_id)
    speaker = invitation.speaker
    form = OrganizerSpeakerForm(request.POST or None, request.FILES or None, instance=speaker)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                speaker_services.update_speaker(speaker=speaker, **form.service_kwargs())
                _save_photo(speaker, form)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("organizer:speakers", slug=forum.slug)
    return _form_page(
        request,
        form=form,
        title=speaker.display_name,
        forum=forum,
        active="speakers",
        cancel_url=("organizer:speakers", forum.slug),
        submit=_("Save"),
        multipart=True,
        status=400 if form.is_bound else 200,
    )


@organizer_required("speakers.view_invitation", write_permission="speakers.add_invitation")
@require_http_methods(["GET", "POST"])
def speaker_invite(request, slug, speaker_id):
    """The invitation of a speaker to this edition: deadline in forum time, a personal word, and
    sent at once or kept as a draft."""
    from django.db import transaction

    from speakers.models import Speaker

    forum = organizer_forum(request, slug)
    speaker = get_object_or_404(Speaker, pk=speaker_id)
    existing = Invitation.objects.filter(forum=forum, speaker=speaker).first()
    form = OrganizerInvitationForm(request.POST or None, forum=forum, instance=existing)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if existing:
                    invitation = speaker_services.update_invitation(
                        invitation=existing,
                        response_deadline=data["response_deadline"],
                        personal_message=data["personal_message"],
                    )
                else:
                    invitation = speaker_services.create_invitation(
                        forum=forum,
                        speaker=speaker,
                        response_deadline=data["response_deadline"],
                        personal_message=data["personal_message"],
                        invited_by=request.user,
                    )
                    if data.get("send_now"):
                        speaker_services.send_invitation(invitation=invitation, by=request.user)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            if not existing and data.get("send_now"):
                messages.success(request, _("The invitation was sent to %(name)s.") % {"name": speaker.display_name})
            else:
                messages.success(request, _("Saved."))
            return redirect("speakers:organizer-invitation", slug=forum.slug, pk=invitation.pk)
    return _form_page(
        request,
        form=form,
        title=_("Invitation of %(name)s") % {"name": speaker.display_name},
        forum=forum,
        active="invitations",
        cancel_url=("organizer:speakers", forum.slug),
        submit=_("Save the invitation"),
        status=400 if form.is_bound else 200,
    )
