"""The Organizers group and the permissions it holds, used by data migrations."""

ORGANIZERS_GROUP = "Organizers"


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
