"""Fixtures for the contests tests: a clean cache per test (the public pages cache their data
in Redis)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()
