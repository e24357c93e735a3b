from core.errors import DomainError


class VisaError(DomainError):
    pass
