from core.errors import DomainError


class PanelError(DomainError):
    """A refused panel operation.

    ``extra["conflicts"]`` lists every reason as ``{"code", "message", ...}`` so a page or an API
    client can show all of them at once, not only the first.
    """

    code = "panel_invalid"

    @property
    def conflicts(self):
        return self.extra.get("conflicts", [])
