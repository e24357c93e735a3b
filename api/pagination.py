"""Page-number pagination for every list: ``?page=`` (from 1) and ``?page_size=`` (1 to 200).

A page or page size that is not a whole number written with the digits 0-9, or is below 1, answers
400 with the error shape and the parameter named. A page past the last one is a page that does not
exist: 404 (an empty list has one page, the first). A page size above the maximum is capped (as
documented). Either left empty means its default.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from core.rest.filters import MAX_ID, POSITIVE_NUMBER_MESSAGE, ascii_integer


def _whole_number(raw, name):
    number = ascii_integer(raw)
    if number is None or number < 1:
        raise ValidationError({name: [POSITIVE_NUMBER_MESSAGE]})
    return number


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()  # "?page=last" is not a number: the schema documents an integer
    invalid_page_message = _("Page {page_number} does not exist: {message}.")
    page_size_query_description = _("Results per page, 1 up; values above 200 are capped at 200.")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        return min(_whole_number(raw, self.page_size_query_param), self.max_page_size)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw == "":
            return 1
        return _whole_number(raw, self.page_query_param)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["allowEmptyValue"] = True
            parameter["schema"].update({"minimum": 1, "maximum": MAX_ID})
        return parameters
