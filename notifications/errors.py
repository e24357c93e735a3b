from core.errors import DomainError


class NotificationError(DomainError):
    """A request about the outbox that cannot be honoured (bad input or wrong state)."""


class PermanentDeliveryError(Exception):
    """This message can never be delivered as it is (bad address, template, attachment)."""
