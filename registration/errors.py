from core.errors import DomainError


class RegistrationError(DomainError):
    """A registration rule was broken: the message is shown to the person as is."""
