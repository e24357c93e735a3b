"""Writes and business rules for forum editions, rooms and themes."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import ForumError
from .models import Forum, Room, Theme
from .signals import forum_copied
from .standard_themes import STANDARD_THEMES


def _translated(field, values):
    """Map {"az": ..., "en": ...} to modeltranslation's per-language attributes."""
    if isinstance(values, str):
        values = {settings.LANGUAGE_CODE: values}
    unknown = set(values) - set(settings.LANGUAGE_CODES)
    if unknown:
        raise ForumError(f"Unknown language: {', '.join(sorted(unknown))}", code="unknown_language")
    return {f"{field}_{lang}": value for lang, value in values.items()}


def _full_clean(instance):
    try:
        instance.full_clean()
    except ValidationError as exc:
        fields = {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
        first = next(iter(fields.values()))[0]
        raise ForumError(first, fields=fields) from exc


def ensure_standard_themes(*, forum):
    """Give a forum the five standard themes it lacks; leave existing ones untouched."""
    existing = set(forum.themes.values_list("code", flat=True))
    created = []
    for order, spec in enumerate(STANDARD_THEMES, start=1):
        if spec["code"] in existing:
            continue
        theme = Theme(forum=forum, code=spec["code"], colour=spec["colour"], order=order)
        for attr, value in _translated("name", spec["name"]).items():
            setattr(theme, attr, value)
        theme.save()
        created.append(theme)
    return created


@transaction.atomic
def create_forum(*, name, slug, edition, year, start_date, end_date, city, venue=None, **fields):
    """Create an edition with its five standard themes."""
    if Forum.objects.filter(slug=slug).exists():
        raise ForumError(
            _("An edition with this slug already exists."), code="duplicate_slug", fields={"slug": ["taken"]}
        )
    forum = Forum(slug=slug, edition=edition, year=year, start_date=start_date, end_date=end_date, **fields)
    for field, values in (("name", name), ("city", city), ("venue", venue or "")):
        for attr, value in _translated(field, values).items():
            setattr(forum, attr, value)
    _full_clean(forum)
    forum.save()
    ensure_standard_themes(forum=forum)
    return forum


@transaction.atomic
def update_forum(*, forum, name=None, city=None, venue=None, **fields):
    """Change an edition's names, dates, hours, place, capacity, registration window or status.
    ``name``/``city``/``venue``: text (Azerbaijani) or {lang: text}."""
    forum = Forum.objects.select_for_update().get(pk=forum.pk)
    allowed = {
        "slug", "edition", "year", "start_date", "end_date", "day_opens_at", "day_closes_at", "timezone",
        "capacity", "status", "registration_opens_at", "registration_closes_at", "host_country",
    }  # fmt: skip
    unknown = set(fields) - allowed
    if unknown:
        raise ForumError(_("Unknown field: %s") % ", ".join(sorted(unknown)), code="unknown_field")
    slug = fields.get("slug")
    if slug and Forum.objects.filter(slug=slug).exclude(pk=forum.pk).exists():
        raise ForumError(
            _("An edition with this slug already exists."), code="duplicate_slug", fields={"slug": ["taken"]}
        )
    if "status" in fields and fields["status"] not in Forum.Status.values:
        raise ForumError(_("Unknown status."), code="unknown_status", fields={"status": ["invalid"]})
    for attr, value in fields.items():
        setattr(forum, attr, value)
    for field, values in (("name", name), ("city", city), ("venue", venue)):
        if values is not None:
            for attr, value in _translated(field, values).items():
                setattr(forum, attr, value or "")
    _full_clean(forum)
    forum.save()
    return forum


@transaction.atomic
def create_room(*, forum, name, capacity, interpretation_languages=(), order=0):
    room = Room(forum=forum, capacity=capacity, interpretation_languages=list(interpretation_languages), order=order)
    for attr, value in _translated("name", name).items():
        setattr(room, attr, value)
    _check_unique_name(room, Room)
    _full_clean(room)
    room.save()
    return room


@transaction.atomic
def update_room(*, room, name=None, capacity=None, interpretation_languages=None, order=None):
    room = Room.objects.select_for_update().get(pk=room.pk)
    if name is not None:
        for attr, value in _translated("name", name).items():
            setattr(room, attr, value or "")
    if capacity is not None:
        room.capacity = capacity
    if interpretation_languages is not None:
        room.interpretation_languages = list(interpretation_languages)
    if order is not None:
        room.order = order
    _check_unique_name(room, Room)
    _full_clean(room)
    room.save()
    return room


def _check_unique_name(instance, model):
    """Room names and theme codes are unique per edition: say so on the field, not as a crash."""
    if model is Room:
        default_name = f"name_{settings.LANGUAGE_CODE}"
        clash = Room.objects.filter(forum_id=instance.forum_id, **{default_name: getattr(instance, default_name)})
        clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            raise ForumError(
                _("This edition already has a room with this name."), code="duplicate_room", fields={"name": ["taken"]}
            )
    else:
        clash = Theme.objects.filter(forum_id=instance.forum_id, code=instance.code).exclude(pk=instance.pk)
        if clash.exists():
            raise ForumError(
                _("This edition already has a theme with this code."),
                code="duplicate_theme",
                fields={"code": ["taken"]},
            )


@transaction.atomic
def create_theme(*, forum, code, name, colour="#1f5fa8", order=0):
    theme = Theme(forum=forum, code=code, colour=colour, order=order)
    for attr, value in _translated("name", name).items():
        setattr(theme, attr, value or "")
    _check_unique_name(theme, Theme)
    _full_clean(theme)
    theme.save()
    return theme


@transaction.atomic
def update_theme(*, theme, code=None, name=None, colour=None, order=None):
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    if name is not None:
        for attr, value in _translated("name", name).items():
            setattr(theme, attr, value or "")
    for attr, value in (("code", code), ("colour", colour), ("order", order)):
        if value is not None:
            setattr(theme, attr, value)
    _check_unique_name(theme, Theme)
    _full_clean(theme)
    theme.save()
    return theme


def _copy_translations(source, target, field):
    for lang in settings.LANGUAGE_CODES:
        attr = f"{field}_{lang}"
        setattr(target, attr, getattr(source, attr))


_YEAR_SUFFIX = re.compile(r"-\d{4}$")


def _shift(value, delta):
    return value + delta if value is not None else None


def suggested_copy_slug(*, source, year):
    return f"{_YEAR_SUFFIX.sub('', source.slug)}-{year}"


@transaction.atomic
def copy_forum(*, source, start_date, slug=None, edition=None, name=None, end_date=None):
    """Start next year's edition from an existing one.

    Dates and the registration window move by the same offset as the first day; rooms and themes
    (with their colours and translations) are copied; the copy starts as a draft. Panels that
    existed are copied as unscheduled drafts by the panels app (``signals.forum_copied``).
    """
    delta = start_date - source.start_date
    edition = edition or source.edition + 1
    year = start_date.year
    slug = slug or suggested_copy_slug(source=source, year=year)
    if Forum.objects.filter(slug=slug).exists():
        raise ForumError(
            _("An edition with the slug %(slug)s already exists.") % {"slug": slug},
            code="duplicate_slug",
            fields={"slug": ["taken"]},
        )
    if end_date is not None and end_date < start_date:
        raise ForumError(
            _("The last day cannot be before the first day."), code="invalid", fields={"end_date": ["before_start"]}
        )
    target = Forum(
        slug=slug,
        edition=edition,
        year=year,
        start_date=start_date,
        end_date=end_date or source.end_date + delta,
        day_opens_at=source.day_opens_at,
        day_closes_at=source.day_closes_at,
        timezone=source.timezone,
        host_country=source.host_country,
        status=Forum.Status.DRAFT,
        capacity=source.capacity,
        registration_opens_at=_shift(source.registration_opens_at, datetime.timedelta(days=delta.days)),
        registration_closes_at=_shift(source.registration_closes_at, datetime.timedelta(days=delta.days)),
    )
    for field in ("name", "city", "venue"):
        _copy_translations(source, target, field)
    if name:
        for attr, value in _translated("name", name).items():
            setattr(target, attr, value)
    _full_clean(target)
    target.save()

    room_map = {}
    for room in source.rooms.all():
        copy = Room(
            forum=target,
            capacity=room.capacity,
            interpretation_languages=list(room.interpretation_languages),
            order=room.order,
        )
        _copy_translations(room, copy, "name")
        copy.save()
        room_map[room.pk] = copy
    theme_map = {}
    for theme in source.themes.all():
        copy = Theme(forum=target, code=theme.code, colour=theme.colour, order=theme.order)
        _copy_translations(theme, copy, "name")
        copy.save()
        theme_map[theme.pk] = copy
    ensure_standard_themes(forum=target)

    forum_copied.send(sender=Forum, source=source, target=target, delta=delta, room_map=room_map, theme_map=theme_map)
    return target


def next_year_start(day):
    """The same weekday a year later (52 weeks on), where next year's edition starts by default."""
    return day + datetime.timedelta(weeks=52)


def copy_to_next_year(*, source):
    """Copy ``source`` to next year: same weekday 52 weeks later, default slug and edition number."""
    return copy_forum(source=source, start_date=next_year_start(source.start_date))


@transaction.atomic
def set_forum_status(*, forum, status):
    if status not in Forum.Status.values:
        raise ForumError(f"Unknown status {status!r}.", code="unknown_status")
    forum.status = status
    forum.save(update_fields=["status", "updated_at"])
    return forum


# --- encryption at rest ---------------------------------------------------------------------


def encrypted_fields():
    """[(model, [field, ...])] of every model with encrypted columns."""
    from django.apps import apps

    from .fields import EncryptedTextField

    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


def rotate_encrypted_fields(*, batch_size=500):
    """Re-encrypt every encrypted value under the first key of FIELD_ENCRYPTION_KEYS (each value
    decrypts with any listed key). Returns {"app.Model.field": count}. Rows are locked batch by
    batch, so the site keeps running; running it twice is harmless."""
    from django.db import connection

    from . import crypto

    counts = {}
    quote = connection.ops.quote_name
    for model, fields in encrypted_fields():
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        for field in fields:
            column = quote(field.column)
            label = f"{model._meta.label}.{field.name}"
            counts[label] = 0
            last = None
            while True:
                with transaction.atomic(), connection.cursor() as cursor:
                    after = "" if last is None else f"AND {pk} > %s"
                    params = [] if last is None else [last]
                    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
                    cursor.execute(
                        f"SELECT {pk}, {column} FROM {table} WHERE {column} <> '' {after} "  # noqa: S608
                        f"ORDER BY {pk} LIMIT {int(batch_size)}{lock}",
                        params,
                    )
                    rows = cursor.fetchall()
                    for row_pk, value in rows:
                        cursor.execute(
                            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                            [crypto.rotate(value), row_pk],
                        )
                    counts[label] += len(rows)
                if len(rows) < batch_size:
                    break
                last = rows[-1][0]
    return counts
