"""Creating and editing in the console: editions (and their copy to next year), rooms, themes,
panels, speakers and their invitations. Each view parses a form, calls one domain service and
shows the service's refusal on the form, in the organizer's language."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
from speakers.models import Invitation, Speaker


def organizer_forum(request, slug):
    forum = forums.visible_forums(user=request.user).filter(slug=slug).first()
    if forum is None:
        raise Http404(_("No such forum edition."))
    return forum


def _url(target):
    """A route name, a (route name, *args) tuple, or an edition (its overview)."""
    if isinstance(target, tuple):
        return reverse(target[0], args=target[1:])
    if isinstance(target, str):
        return reverse(target)
    return reverse("organizer:dashboard", args=[target.slug])


def _form_page(request, *, form, title, forum=None, active=None, cancel_url, submit, multipart=False, status=200,
               intro=None):  # fmt: skip
    context = {
        "form": form,
        "title": title,
        "forum": forum,
        "active": active,
        "cancel_url": _url(cancel_url),
        "submit": submit,
        "multipart": multipart,
        "intro": intro,
    }
    return render(request, "organizer/form.html", context, status=status)


def _form_flow(request, form, *, save, message=None, next_url=None, submit=None, **page):
    """The one flow of every console form. A valid POST calls ``save()`` (one domain service);
    its refusal shows on the form (400), its result leads on: ``message`` ("Saved." unless told)
    and ``next_url`` (where "Cancel" leads unless told) are texts or functions of that result.
    Otherwise the form page, 400 when it was posted."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save()
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            message = message or _("Saved.")
            messages.success(request, message(result) if callable(message) else message)
            next_url = next_url or _url(page["cancel_url"])
            return redirect(next_url(result) if callable(next_url) else next_url)
    return _form_page(request, form=form, submit=submit or _("Save"), status=400 if form.is_bound else 200, **page)


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
    return _form_flow(
        request,
        form,
        save=lambda: forum_services.create_forum(**form.service_kwargs()),
        message=lambda forum: _("Created %(forum)s with the five standard themes.") % {"forum": forum},
        next_url=lambda forum: reverse("organizer:rooms", args=[forum.slug]),
        title=_("New edition"),
        active="editions",
        cancel_url="organizer:editions",
        submit=_("Create the edition"),
    )


@organizer_required("forum.change_forum")
@require_http_methods(["GET", "POST"])
def edition_edit(request, slug):
    forum = organizer_forum(request, slug)
    form = ForumForm(request.POST or None, instance=forum)
    return _form_flow(
        request,
        form,
        save=lambda: forum_services.update_forum(forum=forum, **form.service_kwargs()),
        next_url=_url,  # the overview of the edition saved (its address may have changed)
        title=_("Edit the edition"),
        forum=forum,
        active="dashboard",
        cancel_url=forum,
    )


@organizer_required("forum.add_forum")
@require_http_methods(["GET", "POST"])
def edition_copy(request, slug):
    """Copy to next year: the new name, dates and address are asked first; nothing is created
    until the form is valid and the service accepts it."""
    source = organizer_forum(request, slug)
    form = CopyForumForm(request.POST or None, source=source)
    return _form_flow(
        request,
        form,
        save=lambda: forum_services.copy_forum(source=source, **form.service_kwargs()),
        message=lambda copy: _("Created %(copy)s: rooms, themes and panels (as drafts).") % {"copy": copy},
        next_url=_url,  # the new edition's overview
        title=_("Copy to next year"),
        forum=source,
        active="dashboard",
        cancel_url=source,
        submit=_("Create next year's edition"),
        intro=_("Rooms, themes and panels (as drafts, without times) are copied; speakers are invited afresh."),
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


# A room and a theme are edited alike: (form, the forum's related rows, create, update, titles).
PARTS = {
    "room": (RoomForm, "rooms", forum_services.create_room, forum_services.update_room,
             (gettext_lazy("New room"), gettext_lazy("Edit the room"))),
    "theme": (ThemeForm, "themes", forum_services.create_theme, forum_services.update_theme,
              (gettext_lazy("New theme"), gettext_lazy("Edit the theme"))),
}  # fmt: skip


def _part_form(request, slug, *, kind, pk=None):
    form_class, related, create, update, titles = PARTS[kind]
    forum = organizer_forum(request, slug)
    instance = get_object_or_404(getattr(forum, related), pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance)

    def save():
        if instance:
            return update(**{kind: instance}, **form.service_kwargs())
        return create(forum=forum, **form.service_kwargs())

    return _form_flow(
        request, form, save=save, title=titles[bool(instance)], forum=forum, active="panels",
        cancel_url=("organizer:rooms", forum.slug),
    )  # fmt: skip


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

    def save():
        if instance:
            return panel_services.update_panel(panel=instance, actor=request.user, **form.service_kwargs())
        return panel_services.create_panel(forum=forum, actor=request.user, **form.service_kwargs())

    return _form_flow(
        request, form, save=save, message=_("Saved. Place the panel on the program grid to give it a room and a time."),
        title=_("Edit the panel") if instance else _("New panel"), forum=forum, active="panels",
        cancel_url=("organizer:panels", forum.slug),
    )  # fmt: skip


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


def _speaker_form(request, forum, speaker=None):
    """A new speaker (then straight to their invitation to this edition), or one of this edition's."""
    form = OrganizerSpeakerForm(request.POST or None, request.FILES or None, instance=speaker)

    @transaction.atomic
    def save():
        if speaker:
            saved = speaker_services.update_speaker(speaker=speaker, **form.service_kwargs())
        else:
            saved = speaker_services.create_speaker(**form.service_kwargs())
        photo = form.cleaned_data.get("photo")
        if photo:
            # The same checks and resizing as the speaker's own upload on the RSVP page.
            speaker_services.update_profile(speaker=speaker or saved, photo=photo)
        return speaker or saved

    if speaker:
        page = {"title": speaker.display_name}
    else:
        page = {
            "title": _("New speaker"),
            "submit": _("Save and write the invitation"),
            "intro": _("Whether the profile is public is the speaker's own choice, made on their invitation page."),
            "message": lambda new: _("%(name)s was added. Now write the invitation.") % {"name": new.display_name},
            "next_url": lambda new: reverse("organizer:speaker-invite", args=[forum.slug, new.pk]),
        }
    return _form_flow(
        request, form, save=save, forum=forum, active="speakers", cancel_url=("organizer:speakers", forum.slug),
        multipart=True, **page,
    )  # fmt: skip


@organizer_required("speakers.view_speaker", write_permission="speakers.add_speaker")
@require_http_methods(["GET", "POST"])
def speaker_new(request, slug):
    return _speaker_form(request, organizer_forum(request, slug))


@organizer_required("speakers.view_speaker", write_permission="speakers.change_speaker")
@require_http_methods(["GET", "POST"])
def speaker_edit(request, slug, speaker_id):
    forum = organizer_forum(request, slug)
    invitation = get_object_or_404(Invitation.objects.select_related("speaker"), forum=forum, speaker_id=speaker_id)
    return _speaker_form(request, forum, invitation.speaker)


@organizer_required("speakers.view_invitation", write_permission="speakers.add_invitation")
@require_http_methods(["GET", "POST"])
def speaker_invite(request, slug, speaker_id):
    """The invitation of a speaker to this edition: deadline in forum time, a personal word, and
    sent at once or kept as a draft."""
    forum = organizer_forum(request, slug)
    speaker = get_object_or_404(Speaker, pk=speaker_id)
    existing = Invitation.objects.filter(forum=forum, speaker=speaker).first()
    form = OrganizerInvitationForm(request.POST or None, forum=forum, instance=existing)

    @transaction.atomic
    def save():
        data = form.cleaned_data
        wording = {"response_deadline": data["response_deadline"], "personal_message": data["personal_message"]}
        if existing:
            return speaker_services.update_invitation(invitation=existing, **wording)
        invitation = speaker_services.create_invitation(
            forum=forum, speaker=speaker, invited_by=request.user, **wording
        )
        if data.get("send_now"):
            speaker_services.send_invitation(invitation=invitation, by=request.user)
        return invitation

    def message(invitation):
        if not existing and form.cleaned_data.get("send_now"):
            return _("The invitation was sent to %(name)s.") % {"name": speaker.display_name}
        return _("Saved.")

    return _form_flow(
        request,
        form,
        save=save,
        message=message,
        next_url=lambda invitation: reverse("speakers:organizer-invitation", args=[forum.slug, invitation.pk]),
        title=_("Invitation of %(name)s") % {"name": speaker.display_name},
        forum=forum,
        active="invitations",
        cancel_url=("organizer:speakers", forum.slug),
        submit=_("Save the invitation"),
    )
