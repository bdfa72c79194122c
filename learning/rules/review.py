"""Review of missed questions ("Ôn lại câu sai"): which questions, in which version, and the
mastery per topic. Pure functions over what the selectors read; no database.

What may be reviewed at all is not decided here: only graded attempts whose review
`scoring.selectors.attempts.review_allowed` allows are turned into `Seen` rows, so no rule
here can reach the key of an attempt the contest's policy still hides."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from contests.refusals import Refusal

SCORE, IMMEDIATELY, AFTER_ROUND = "score", "immediately", "after_round"

MESSAGES = {
    "not_yet": _(
        "Chưa đến thời gian xem đáp án theo thể lệ cuộc thi, nên chưa thể ôn lại câu sai. "
        "Vui lòng quay lại sau."
    ),
    "nothing_missed": _("Bạn không có câu sai nào để ôn lại. Chúc mừng bạn!"),
    "not_participant": _("Chỉ tài khoản thí sinh mới ôn lại câu sai được."),
}


@dataclass(frozen=True)
class Seen:
    """One question of one graded, reviewable attempt, as the person saw it."""

    question_id: int  # the version they saw
    lineage: int  # the first version's id: every version of one question shares it
    topic_id: int
    options: tuple[int, ...]  # option ids in the order shown
    correct: bool
    order: int  # attempts in the order they were taken: a later attempt has a larger order


@dataclass(frozen=True)
class TopicMastery:
    topic_id: int
    asked: int  # questions in the person's reviewable graded attempts (a repeat counts again)
    correct: int
    missed: int  # different questions missed at least once
    mastered: int  # of those, answered right in a review since

    @property
    def share(self) -> int | None:
        """Share correct, in whole percent (None without any question)."""
        if not self.asked:
            return None
        return round(100 * self.correct / self.asked)


def lineage_roots(replaces: dict[int, int | None]) -> dict[int, int]:
    """{version id: first version id} from {version id: the version it replaced}. A chain
    that leaves the map (or loops) stops at the last version known."""
    roots: dict[int, int] = {}
    for start in replaces:
        current, path = start, []
        while current not in roots:
            path.append(current)
            previous = replaces.get(current)
            if previous is None or previous not in replaces or previous in path:
                roots[current] = current
                break
            current = previous
        root = roots[current]
        for version in path:
            roots[version] = root
    return roots


def missed_questions(seen: Iterable[Seen]) -> list[Seen]:
    """The questions missed (wrong or unanswered) in at least one reviewable attempt, each
    once, in the version the person saw last (with the options in that attempt's order), in
    the order they were first met."""
    latest: dict[int, Seen] = {}
    missed: set[int] = set()
    for sighting in sorted(seen, key=lambda s: s.order):
        latest[sighting.lineage] = sighting
        if not sighting.correct:
            missed.add(sighting.lineage)
    return [latest[lineage] for lineage in latest if lineage in missed]


def mastered_lineages(
    answers: Iterable[tuple[int, int | None]],
    *,
    key: dict[int, frozenset[int]],
    lineage_of: dict[int, int],
) -> set[int]:
    """The questions (lineages) answered right in a review: `answers` are (question id, option
    chosen) pairs from the person's reviews, `key` the correct options per question id."""
    right = set()
    for question_id, chosen in answers:
        if chosen is not None and chosen in key.get(question_id, frozenset()):
            right.add(lineage_of.get(question_id, question_id))
    return right


def review_queue(missed: list[Seen], mastered: set[int]) -> list[Seen]:
    """What a new review asks: the missed questions not yet answered right in a review; once
    every one is, all of them again."""
    left = [m for m in missed if m.lineage not in mastered]
    return left or list(missed)


def topic_mastery(seen: Iterable[Seen], *, mastered: set[int]) -> dict[int, TopicMastery]:
    """Per topic: questions asked and answered right over the reviewable attempts, questions
    missed, and how many of those have since been answered right in a review."""
    seen = list(seen)
    asked: dict[int, int] = {}
    correct: dict[int, int] = {}
    for s in seen:
        asked[s.topic_id] = asked.get(s.topic_id, 0) + 1
        correct[s.topic_id] = correct.get(s.topic_id, 0) + int(s.correct)
    missed_by_topic: dict[int, list[int]] = {}
    for m in missed_questions(seen):
        missed_by_topic.setdefault(m.topic_id, []).append(m.lineage)
    return {
        topic: TopicMastery(
            topic_id=topic,
            asked=asked[topic],
            correct=correct[topic],
            missed=len(missed_by_topic.get(topic, [])),
            mastered=sum(1 for lineage in missed_by_topic.get(topic, []) if lineage in mastered),
        )
        for topic in asked
    }


def review_may_be_open(
    *,
    review_content: str,
    review_timing: str,
    closes_at: datetime.datetime,
    round_closes: Iterable[datetime.datetime],
    now: datetime.datetime,
) -> bool:
    """Whether some attempt of the contest may be reviewable at `now` (the links on the
    contest page, which knows no attempt): never with "score only"; otherwise at once, after
    the first round closes, or after the contest closes. The attempt itself is always checked
    again (`review_allowed`) before anything of the key is read."""
    if review_content == SCORE:
        return False
    if review_timing == IMMEDIATELY:
        return True
    if review_timing == AFTER_ROUND and any(c <= now for c in round_closes):
        return True
    return now >= closes_at


def review_refusal(*, is_participant: bool, reviewable: int, missed: int) -> Refusal | None:
    """Why a review cannot start (None: it can): `reviewable` graded attempts the policy lets
    the person review, `missed` questions missed in them."""
    if not is_participant:
        return Refusal("not_participant", MESSAGES["not_participant"])
    if reviewable < 1:
        return Refusal("not_yet", MESSAGES["not_yet"])
    if missed < 1:
        return Refusal("nothing_missed", MESSAGES["nothing_missed"])
    return None
