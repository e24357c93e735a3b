"""The Organizers group: who belongs to it, who hears about it (and in which language), and the
permissions data migrations give it."""

from django.conf import settings
from django.contrib.auth import get_user_model

ORGANIZERS_GROUP = "Organizers"


def is_organizer(user):
    """Superusers and active members of the Organizers group (the answer is kept on the user)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_organizer", None)
    if cached is None:
        cached = user.groups.filter(name=ORGANIZERS_GROUP).exists()
        user._is_organizer = cached
    return cached


def sees_drafts(user):
    """Drafts (forums and panels not yet public) are shown to organizers only, never to other staff."""
    return is_organizer(user)


def grant_app_permissions_to_organizers(apps, app_label):
    """Create the model permissions of ``app_label`` now (post_migrate is too late for a data
    migration) and give every one of them to the Organizers group."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=ORGANIZERS_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label))


def organizers_to_notify():
    """Who hears what organizers must know (declines, acceptances, the daily digest): every address
    of ``ORGANIZER_EMAILS`` and every active member of the Organizers group with one. Lower-case,
    sorted, without duplicates."""
    members = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=ORGANIZERS_GROUP)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    addresses = {address.strip().lower() for address in [*settings.ORGANIZER_EMAILS, *members]}
    return sorted(addresses - {""})


def organizer_recipients():
    """``[(address, language)]`` of ``organizers_to_notify()``: each organizer in the language of
    their account (``core.accounts``), the site's default for an address without one. Every
    message to organizers is queued per recipient in that language."""
    from .accounts import languages_of

    addresses = organizers_to_notify()
    languages = languages_of(addresses)
    return [(address, languages.get(address, settings.LANGUAGE_CODE)) for address in addresses]
