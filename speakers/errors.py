from core.errors import DomainError


class SpeakerError(DomainError):
    pass
