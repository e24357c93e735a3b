from core.errors import DomainError


class ForumError(DomainError):
    pass
