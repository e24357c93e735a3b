"""Request parsers of the API: DRF's, refusing text the forum refuses everywhere (core/text.py).

PostgreSQL cannot store or even compare text containing NUL (0x00), and the other control
characters break the XML exports; such input is never meaningful, so it is a 400 with the error
shape, before any field or lookup sees it.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from core import text

NUL = "\x00"
NUL_MESSAGE = text.MESSAGE
contains_nul = text.has_forbidden


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
