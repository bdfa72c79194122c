"""Admin for essays, one module per area; every ModelAdmin is scoped to the organiser's
subtree (contests.admin_scoping)."""

from essays.admin import entries, judging, tasks  # noqa: F401
