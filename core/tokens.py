"""Secret links (RSVP, registration): a random token goes into the email, only its hash is kept."""

import hashlib
import secrets

# Raw tokens are 43 characters; anything far off is refused before the database is asked.
MIN_LENGTH, MAX_LENGTH = 20, 100
# What a value that cannot be a token hashes to: no stored hash looks like it.
NO_MATCH = "0" * 64


def new_token():
    """``(raw, hash)``: 256 random bits, URL-safe, and the hash to store."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def hash_token(raw):
    """The stored form of a token. A value that cannot be a token hashes to a value no row has."""
    if not isinstance(raw, str) or not MIN_LENGTH <= len(raw) <= MAX_LENGTH:
        return NO_MATCH
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
