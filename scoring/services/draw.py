"""The draw: what a contest's tests are drawn from (its draw plan, kept per process for a
minute), the questions of one test by the rule `contests.rules.draw.draw`, and their options'
order. A live start (scoring.services.attempts) and a test drawn ahead for a scheduled session
(scoring.services.prepared) both call these, so the two draws are one."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import time

from django.utils.translation import gettext_lazy as _

from contests.models import BlueprintItem, Contest, Round
from contests.refusals import Refusal, Refused
from contests.rules.draw import DrawItem, draw
from contests.selectors import questions_drawable
from scoring.models import ExamSession

_random = secrets.SystemRandom()

# The draw plan (blueprint + the ids of drawable questions) is kept per contest for this
# long: a question added or retired in the bank is drawn (or no longer drawn) within a minute.
PLAN_CACHE_TIMEOUT = 60

BANK = _("Ngân hàng câu hỏi chưa đủ câu hỏi theo cấu trúc đề. Vui lòng báo Ban Tổ chức cuộc thi.")


def current_round(*, contest: Contest, now: datetime.datetime) -> tuple[bool, Round | None]:
    """(whether the contest has rounds, the round open now or None)."""
    rounds = list(contest.rounds.all())
    return bool(rounds), next((r for r in rounds if r.opens_at <= now < r.closes_at), None)


_local_plans: dict[int, tuple[float, dict]] = {}


def draw_plan(*, contest: Contest, fresh: bool = False) -> dict:
    """{"blueprint": {round id or 0: [DrawItem, ...]}, "pool": {topic id: [(question id,
    difficulty), ...]}, "used": {question ids already used}, "fingerprint": a digest of the
    blueprint, the pool and the option shuffling, "sessions_until": the end of the contest's
    last scheduled session or None} — kept in this process for PLAN_CACHE_TIMEOUT s (three
    small queries per process per minute; `fresh`: read now). `used` only ever grows (a used
    version stays used), so a stale plan can only under-report it."""
    cached = _local_plans.get(contest.pk)
    if not fresh and cached is not None and cached[0] > time.monotonic():
        return cached[1]
    blueprint: dict[int, list[DrawItem]] = {}
    for round_id, topic_id, difficulty, count in BlueprintItem.objects.filter(
        contest=contest
    ).values_list("round_id", "topic_id", "difficulty", "count"):
        blueprint.setdefault(round_id or 0, []).append(DrawItem(topic_id, difficulty, count))
    pool: dict[int, list[tuple[int, str]]] = {}
    used = set()
    for question_id, topic_id, difficulty, is_used in questions_drawable(
        contest=contest
    ).values_list("id", "topic_id", "difficulty", "used"):
        pool.setdefault(topic_id, []).append((question_id, difficulty))
        if is_used:
            used.add(question_id)
    # What a pre-drawn test was drawn from: a question added, retired or edited (a used
    # version is edited as a new version, i.e. a new id), a blueprint changed or the option
    # shuffling switched makes the pre-drawn tests of the contest invalid.
    material = [
        sorted((k, sorted(map(repr, v))) for k, v in blueprint.items()),
        sorted((k, sorted(v)) for k, v in pool.items()),
        contest.shuffle_options,
    ]
    fingerprint = hashlib.sha1(repr(material).encode(), usedforsecurity=False).hexdigest()
    sessions_until = (
        ExamSession.objects.filter(contest=contest)
        .order_by("-ends_at")
        .values_list("ends_at", flat=True)
        .first()
    )
    plan = {
        "blueprint": blueprint,
        "pool": pool,
        "used": used,
        "fingerprint": fingerprint,
        "sessions_until": sessions_until,
    }
    _local_plans[contest.pk] = (time.monotonic() + PLAN_CACHE_TIMEOUT, plan)
    return plan


def draw_plans_forget() -> None:
    """Forget this process's draw plans (tests; a bank change otherwise applies within
    PLAN_CACHE_TIMEOUT)."""
    _local_plans.clear()


def questions_draw(*, plan: dict, round: Round | None, seen: set[int]) -> list[int]:
    """Question ids per the blueprint (the round's own items if it has any, else the
    contest-wide ones), drawn by the rule `contests.rules.draw.draw`."""
    items = plan["blueprint"].get(round.pk) if round is not None else None
    items = items or plan["blueprint"].get(0) or []
    if not items:
        raise Refused("bank", BANK)
    drawn = draw(items=items, pool=plan["pool"], rng=_random, seen=frozenset(seen))
    if isinstance(drawn, Refusal):
        # The person reads the general "bank" message; the topic is the organisers' concern.
        raise Refused("bank", BANK)
    return drawn


def items_for(*, question_ids: list[int], contents: dict[int, dict], shuffle: bool) -> list:
    """The attempt's items: [{"q": question id, "o": [option ids in display order]}, ...]
    (shuffled if the contest says so). A question with fewer than two options: "bank"."""
    items = []
    for q in question_ids:
        options = list(contents[q]["options"]) if q in contents else []
        if len(options) < 2:
            raise Refused("bank", BANK)
        if shuffle:
            _random.shuffle(options)
        items.append({"q": q, "o": options})
    return items
