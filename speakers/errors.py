from forum.errors import DomainError


class SpeakerError(DomainError):
    pass
