"""Template helpers shared by every app's pages."""

from django import template

from core.countries import country_name
from core.permissions import is_organizer

register = template.Library()


@register.filter(name="is_organizer")
def is_organizer_filter(user):
    """Whether to show the organizers' menu: staff pages refuse staff outside the group anyway."""
    return is_organizer(user)


@register.filter(name="country_name")
def country_name_filter(country):
    """A country (code or django-countries value) named in the reader's language."""
    return country_name(getattr(country, "code", country))
