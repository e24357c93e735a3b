"""Encryption at rest for personal data: Fernet (AES-128-CBC + HMAC-SHA256) under MultiFernet.

Keys come from ``settings.FIELD_ENCRYPTION_KEYS``: the first one encrypts, all of them decrypt.
Rotating a key: put the new key first, deploy, run ``manage.py rotate_encryption_keys`` (it
re-encrypts every value under the first key), then remove the old key.
"""

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac

__all__ = ["DecryptionError", "InvalidToken", "decrypt", "encrypt", "fingerprint", "is_encrypted", "rotate"]


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


@functools.lru_cache(maxsize=4)
def _fernet_for(keys):
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key") from exc


def _fernet():
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    return _fernet_for(keys)


def encrypt(plaintext):
    """Ciphertext (ASCII text) of ``plaintext``; a fresh random IV every time."""
    return _fernet().encrypt(str(plaintext).encode()).decode("ascii")


def decrypt(ciphertext):
    try:
        return _fernet().decrypt(ciphertext.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise DecryptionError(
            "A stored value could not be decrypted: is the key that encrypted it still in FIELD_ENCRYPTION_KEYS?"
        ) from exc


def is_encrypted(value):
    """True when ``value`` decrypts under the configured keys."""
    try:
        decrypt(value)
    except DecryptionError:
        return False
    return True


def rotate(ciphertext):
    """The same plaintext encrypted under the first key (decrypting with any key)."""
    try:
        return _fernet().rotate(ciphertext.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise DecryptionError("A stored value could not be decrypted with any configured key.") from exc


def fingerprint(*parts, purpose):
    """A keyed digest (HMAC-SHA256 keyed from SECRET_KEY) of ``parts``: stable for equal input but,
    unlike a bare hash, useless for guessing low-entropy values such as passport numbers."""
    return salted_hmac(f"forum.fingerprint.{purpose}", "\x1f".join(parts), algorithm="sha256").hexdigest()
