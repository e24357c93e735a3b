"""The one error type services raise for a broken business rule.

Each app subclasses :class:`DomainError`. Pages show ``message``; the API maps the error to a
``{"code", "detail", "fields"}`` body with ``status`` (400 for invalid input, 409 for a conflict
with the current state).
"""


class DomainError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message, *, code=None, fields=None, status=None, extra=None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}
        self.extra = extra or {}

    def as_dict(self):
        body = {"code": self.code, "detail": self.message, "fields": self.fields}
        body.update(self.extra)
        return body
