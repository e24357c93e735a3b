"""Request parsers of the API: DRF's, refusing text with NUL characters.

PostgreSQL cannot store or even compare text containing NUL (0x00); such input is never
meaningful, so it is a 400 with the error shape, before any field or lookup sees it.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

NUL = "\x00"
NUL_MESSAGE = "Text may not contain NUL (0x00) characters."


def contains_nul(value):
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    if hasattr(value, "lists"):  # QueryDict
        return any(contains_nul(key) or contains_nul(items) for key, items in value.lists())
    return False


class _RefuseNul:
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        data = getattr(result, "data", result)  # multipart answers DataAndFiles
        if contains_nul(data):
            raise ParseError(NUL_MESSAGE)
        return result


class JSONParser(_RefuseNul, parsers.JSONParser):
    pass


class FormParser(_RefuseNul, parsers.FormParser):
    pass


class MultiPartParser(_RefuseNul, parsers.MultiPartParser):
    pass
