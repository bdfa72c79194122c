"""Admin for scoring, one module per area, every page scoped to the organiser's subtree:
attempts (read only), grading's audit rows and regrade pages, the duplicate-accounts queue with
disqualification, appeals and their answers, scheduled sessions (tests drawn ahead), and
results publishing on the contest page (scoring extends contests' admin here, because contests
never imports scoring)."""

from scoring.admin import (  # noqa: F401
    appeals,
    attempts,
    certificates,
    duplicates,
    grading,
    results,
    sessions,
)
