"""Admin for what organisers set up, one module per area; every ModelAdmin is scoped to the
organiser's subtree (contests.admin_scoping)."""

import contests.admin.targets  # noqa: F401  (UnitTargetAdmin)
from contests.admin import announcements, contests, prizes, questions, units  # noqa: F401
