import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Dozens of accounts per test: Argon2 at production strength would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
