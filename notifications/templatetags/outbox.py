"""``{{ kind|kind_label }}``: a message kind by its name in the reader's language."""

from django import template

from notifications.kinds import kind_label

register = template.Library()


@register.filter(name="kind_label")
def kind_label_filter(kind):
    return kind_label(kind)
