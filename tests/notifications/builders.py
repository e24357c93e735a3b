"""Attachment builders that tests reference by dotted path."""


def agenda(*, title):
    return ("agenda.txt", f"Agenda: {title}\n".encode(), "text/plain")


def broken(**kwargs):
    raise RuntimeError("the badge could not be drawn")
