"""Who may see a contest's answer key: its correct options, explanations and legal references.

One rule per side, and every page, export, admin view and cache that could show any of these
asks here (DESIGN.md invariant 4):
- staff: `answer_key_visible_to`, the organisers whose subtree contains the contest's owner
  unit, and superusers. A district taking part in the city's contest sees that contest read
  only, never its key: it would leak to its own residents while the contest is open;
- participants: the contest's review policy, `review_visible` (what, and from when) and
  `review_shows_explanations`; scoring asks them for a submitted and graded attempt
  (`scoring.selectors.attempts.review_allowed`)."""

from __future__ import annotations

import datetime

from contests.models import Contest, Round
from contests.selectors import contest_owned_by


def answer_key_visible_to(*, user, contest: Contest) -> bool:
    """Staff side: an active staff account of the owner side (or a superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not (user.is_staff or user.is_superuser):
        return False
    return contest_owned_by(user=user, contest=contest)


def review_visible(*, contest: Contest, round: Round | None, now: datetime.datetime) -> bool:
    """Participant side, for an attempt already submitted and graded: whether the contest's
    review policy shows its key at `now` (never with "score only"; otherwise immediately,
    after the attempt's round closes, or after the contest closes)."""
    if contest.review_content == Contest.ReviewContent.SCORE:
        return False
    timing = contest.review_timing
    if timing == Contest.ReviewTiming.IMMEDIATELY:
        return True
    if timing == Contest.ReviewTiming.AFTER_ROUND and round is not None:
        return now >= round.closes_at
    return now >= contest.closes_at


def review_shows_explanations(*, contest: Contest) -> bool:
    """Whether the review, once visible, carries explanations and legal references too."""
    return contest.review_content == Contest.ReviewContent.EXPLANATIONS
