import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The matrix and the fuzz make hundreds of accounts; the production hasher's deliberate
    slowness (about 0.3 s a password here) would be most of their run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
