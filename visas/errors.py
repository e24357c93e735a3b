from forum.errors import DomainError


class VisaError(DomainError):
    pass
