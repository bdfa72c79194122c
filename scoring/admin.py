"""Admin for scoring. Grading's audit rows and regrade pages: scoring/admin_grading.py."""

from scoring import admin_grading  # noqa: F401
