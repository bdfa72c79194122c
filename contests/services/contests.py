"""Writes for contests: rich text, updates audited after publishing, status transitions.

Status moves draft → published → closed → results published, each step by a conditional
UPDATE (`WHERE status = <expected>`), so two organisers clicking at once make one transition.
After publishing, a change to the rules, the answer key or the prizes is recorded in
ContestChange (who, when, before, after) in the same transaction as the change itself."""

from __future__ import annotations

import contextlib
import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.cache_keys import PUBLIC_LIST_KEY, contest_page_key
from contests.models import (
    BlueprintItem,
    Category,
    Contest,
    ContestChange,
    ExcludedPerson,
    PrizeStructure,
    Question,
    Round,
)
from contests.rich_text import RICH_TEXT_FIELDS, rich_text_clean
from contests.selectors import questions_drawable
from contests.templatetags.contest_tags import vn_deadline

# --- Rich text ------------------------------------------------------------------------------

# --- Audit of changes after publishing --------------------------------------------------------

# Fields that make up the rules (thể lệ) in the wide sense: a change after publishing is audited.
RULE_FIELDS = (
    "title",
    "purpose",
    "requirements",
    "rules",
    "eligibility_note",
    "opens_at",
    "closes_at",
    "participation_root_id",
    "min_age",
    "age_reference_date",
    "allow_citizens",
    "allow_foreigners",
    "attempts_allowed",
    "time_limit_minutes",
    "shuffle_options",
    "review_content",
    "review_timing",
    "prediction_text",
    "prediction_target",
    "prediction_actual",
    "collective_rule",
    "winner_may_take_unit_prize",
    "tie_break_chain",
    "cumulative_rule",
)


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value for the audit row."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def contest_change_record(
    *, contest: Contest, user, what: str, before: dict, after: dict
) -> ContestChange | None:
    """Record a change made after publishing (nothing for a draft, nothing when before equals
    after). Call it inside the transaction that makes the change."""
    if contest.status == Contest.Status.DRAFT or before == after:
        return None
    return ContestChange.objects.create(
        contest=contest,
        user=user if getattr(user, "is_authenticated", False) else None,
        what=what,
        before=before,
        after=after,
    )


@transaction.atomic
def contest_update(*, contest: Contest, user, fields: Iterable[str] | None = None) -> Contest:
    """Save `contest` (an instance carrying the new values); rich text is sanitised. If it is
    no longer a draft, the rule fields that changed are recorded in one ContestChange
    (what="rules") with their old and new values. The status is never changed here: it moves
    only through the transition services below."""
    for name in RICH_TEXT_FIELDS:
        setattr(contest, name, rich_text_clean(getattr(contest, name) or ""))
    if contest.pk is None:
        contest.status = Contest.Status.DRAFT
        contest.full_clean()
        contest.save()
        return contest
    old = Contest.objects.select_for_update().get(pk=contest.pk)
    contest.status = old.status
    before, after = {}, {}
    for name in RULE_FIELDS:
        old_value, new_value = getattr(old, name), getattr(contest, name)
        if old_value != new_value:
            before[name], after[name] = _plain(old_value), _plain(new_value)
    contest.full_clean()
    if fields is None:
        contest.save()
    else:
        contest.save(update_fields=[*fields])
    contest_change_record(contest=old, user=user, what="rules", before=before, after=after)
    contest_public_cache_clear(contest=contest)
    return contest


def prize_snapshot(*, contest: Contest) -> dict:
    """The prize structures of a contest as plain data: {structure title (unit) [round,
    category, rules]: [tier...]}."""
    snapshot: dict[str, list] = {}
    structures = PrizeStructure.objects.filter(contest=contest).select_related(
        "unit", "round", "category"
    )
    for structure in structures.prefetch_related("tiers").order_by("id"):
        label = structure.title + (f" ({structure.unit.name})" if structure.unit else "")
        scope = [
            structure.round.title if structure.round else "",
            structure.category.name if structure.category else "",
            structure.get_one_prize_per_display(),
            f"≤ {structure.cap_percent} %" if structure.cap_percent is not None else "",
            str(PrizeStructure._meta.get_field("excludes_round_winners").verbose_name)
            if structure.excludes_round_winners
            else "",
        ]
        if any(scope[:2]) or scope[3] or scope[4] or structure.one_prize_per != "round":
            label += " [" + "; ".join(part for part in scope if part) + "]"
        snapshot[f"{structure.pk}: {label}"] = [
            [t.kind, t.rank_order, t.name, t.count, t.amount] for t in structure.tiers.all()
        ]
    return snapshot


def contest_related_snapshot(*, contest: Contest) -> dict:
    """Prizes, blueprint, rounds, excluded people and categories of a contest as plain data, to
    compare before and after an admin save (what changed is audited after publishing)."""
    return {
        "prizes": prize_snapshot(contest=contest),
        "blueprint": [
            [b.round_id, b.topic_id, b.difficulty, b.count]
            for b in BlueprintItem.objects.filter(contest=contest).order_by("id")
        ],
        "rounds": [
            [r.number, r.title, _plain(r.opens_at), _plain(r.closes_at), r.attempts_allowed]
            for r in Round.objects.filter(contest=contest).order_by("number")
        ],
        "excluded": sorted(
            ExcludedPerson.objects.filter(contest=contest).values_list("document_number", flat=True)
        ),
        # Categories carry prize quotas: a change after publishing is a rule change.
        "categories": [
            [c.order, c.name, sorted(u.name for u in c.blocks.all())]
            for c in Category.objects.filter(contest=contest).prefetch_related("blocks")
        ],
    }


def prize_budget(*, tiers: Iterable) -> int:
    """Total of count × amount over the tiers, in đồng."""
    return sum(t.count * t.amount for t in tiers)


# --- Blueprint ------------------------------------------------------------------------------


def _blueprint_groups(items: list[BlueprintItem]) -> dict[int | None, list[BlueprintItem]]:
    """Items per round (None: contest-wide)."""
    groups: dict[int | None, list[BlueprintItem]] = defaultdict(list)
    for item in items:
        groups[item.round_id].append(item)
    return groups


def blueprint_problems(*, contest: Contest) -> list[str]:
    """What stops the bank from satisfying the blueprint, one Vietnamese sentence per problem;
    [] when every test can be drawn. Counts only active questions with 2–6 options and exactly
    one correct option. For each round (or the contest when it has no round-specific items):
    per topic and difficulty, the active questions must cover the items asking for that
    difficulty, and per topic all active questions must cover every item of the topic."""
    items = list(BlueprintItem.objects.filter(contest=contest).select_related("topic", "round"))
    if not items:
        return [_("Chưa có cấu trúc đề: hãy thêm ít nhất một dòng (chủ đề, số câu).")]
    drawable = questions_drawable(contest=contest).values_list("topic_id", "difficulty")
    by_topic: dict[int, int] = defaultdict(int)
    by_topic_difficulty: dict[tuple[int, int], int] = defaultdict(int)
    for topic_id, difficulty in drawable:
        by_topic[topic_id] += 1
        by_topic_difficulty[(topic_id, difficulty)] += 1

    difficulty_names = dict(Question.Difficulty.choices)
    problems: list[str] = []
    groups = _blueprint_groups(items)
    if None not in groups:
        for r in contest.rounds.exclude(pk__in=[g for g in groups if g is not None]):
            problems.append(
                _("Vòng “%(round)s” chưa có cấu trúc đề (và cuộc thi không có cấu trúc đề chung).")
                % {"round": r.title}
            )
    for round_id in sorted(groups, key=lambda r: (r is not None, r or 0)):
        group = groups[round_id]
        prefix = ""
        if round_id is not None:
            prefix = _("Vòng “%(round)s”: ") % {"round": group[0].round.title}
        need_topic: dict[int, int] = defaultdict(int)
        need_difficulty: dict[tuple[int, int], int] = defaultdict(int)
        topics = {}
        for item in group:
            topics[item.topic_id] = item.topic
            need_topic[item.topic_id] += item.count
            if item.difficulty is not None:
                need_difficulty[(item.topic_id, item.difficulty)] += item.count
        for (topic_id, difficulty), need in sorted(need_difficulty.items()):
            have = by_topic_difficulty[(topic_id, difficulty)]
            if have < need:
                problems.append(
                    prefix
                    + _(
                        "Chủ đề “%(topic)s”, độ khó %(difficulty)s: cấu trúc đề cần %(need)d "
                        "câu nhưng ngân hàng chỉ có %(have)d câu đang dùng."
                    )
                    % {
                        "topic": topics[topic_id].name,
                        "difficulty": str(difficulty_names[difficulty]),
                        "need": need,
                        "have": have,
                    }
                )
        for topic_id, need in sorted(need_topic.items()):
            have = by_topic[topic_id]
            if have < need:
                problems.append(
                    prefix
                    + _(
                        "Chủ đề “%(topic)s”: cấu trúc đề cần %(need)d câu nhưng ngân hàng chỉ có "
                        "%(have)d câu đang dùng."
                    )
                    % {"topic": topics[topic_id].name, "need": need, "have": have}
                )
    return problems


# --- Status transitions -----------------------------------------------------------------------


def _wrong_status(current: str | None) -> ValidationError:
    return ValidationError(
        _("Cuộc thi đang ở trạng thái “%(status)s”, không thể chuyển trạng thái này.")
        % {"status": str(Contest.Status(current).label) if current else "?"}
    )


def _transition(*, contest: Contest, user, source: str, target: str) -> Contest:
    updated = Contest.objects.filter(pk=contest.pk, status=source).update(status=target)
    if not updated:
        current = Contest.objects.filter(pk=contest.pk).values_list("status", flat=True).first()
        raise _wrong_status(current)
    ContestChange.objects.create(
        contest=contest,
        user=user if getattr(user, "is_authenticated", False) else None,
        what="status",
        before={"status": source},
        after={"status": target},
    )
    contest.status = target
    contest_public_cache_clear(contest=contest)
    return contest


def publish_problems(*, contest: Contest, now: datetime.datetime | None = None) -> list[str]:
    """Everything that stops `contest` from being published ([] when it may be)."""
    now = now or timezone.now()
    problems = []
    if contest.status != Contest.Status.DRAFT:
        problems.append(_("Chỉ công bố được cuộc thi đang ở trạng thái bản nháp."))
    if contest.closes_at <= now:
        problems.append(_("Thời gian kết thúc đã qua: hãy sửa thời gian trước khi công bố."))
    if not contest.allow_citizens and not contest.allow_foreigners:
        problems.append(
            _("Chưa chọn đối tượng dự thi (công dân Việt Nam và/hoặc người nước ngoài).")
        )
    for r in contest.rounds.all():
        if r.opens_at < contest.opens_at or r.closes_at > contest.closes_at:
            problems.append(
                _("Vòng “%(round)s” nằm ngoài thời gian của cuộc thi.") % {"round": r.title}
            )
    problems.extend(blueprint_problems(contest=contest))
    return problems


@transaction.atomic
def contest_publish(*, contest: Contest, user, now: datetime.datetime | None = None) -> Contest:
    """Draft → published. Refused (ValidationError listing every problem, nothing changed)
    while the bank cannot satisfy the blueprint, the close time has passed, nobody may enter
    or a round lies outside the contest's window."""
    locked = Contest.objects.select_for_update().get(pk=contest.pk)
    problems = publish_problems(contest=locked, now=now)
    if problems:
        raise ValidationError(problems)
    return _transition(
        contest=contest, user=user, source=Contest.Status.DRAFT, target=Contest.Status.PUBLISHED
    )


@transaction.atomic
def contest_close(*, contest: Contest, user, now: datetime.datetime | None = None) -> Contest:
    """Published → closed, only once the close time has passed (time is the server's: an
    organiser cannot cut a running contest short by a click; change the close time instead,
    which is audited)."""
    now = now or timezone.now()
    locked = Contest.objects.select_for_update().get(pk=contest.pk)
    if locked.status != Contest.Status.PUBLISHED:
        raise _wrong_status(locked.status)
    if now < locked.closes_at:
        raise ValidationError(
            _("Cuộc thi chưa hết thời gian dự thi (kết thúc lúc %(at)s).")
            % {"at": vn_deadline(locked.closes_at)}
        )
    return _transition(
        contest=contest, user=user, source=Contest.Status.PUBLISHED, target=Contest.Status.CLOSED
    )


def results_publish_problems(*, contest: Contest) -> list[str]:
    """What stops the results of `contest` from being published ([] when nothing does): the
    prediction question without its actual answer (the second ranking key; contest and every
    round), attempts still open or ungraded. Read only; the status is checked by the caller.

    Publishing itself is `scoring.services.prizes.results_publish` (the one path: it runs these
    checks and freezes the prize list in the same transaction); contests never imports scoring,
    so attempts are read through the reverse relation."""
    problems = []
    if contest.prediction_text and contest.prediction_actual is None:
        problems.append(_("Chưa nhập đáp án câu hỏi dự đoán (dùng để xếp hạng)."))
    rounds_missing = [
        r.title
        for r in contest.rounds.all()
        if contest.prediction_text and r.prediction_actual is None
    ]
    if rounds_missing:
        problems.append(
            _("Chưa nhập đáp án câu hỏi dự đoán của vòng: %(rounds)s.")
            % {"rounds": ", ".join(rounds_missing)}
        )
    attempts = getattr(contest, "attempts", None)
    if attempts is not None:
        pending = attempts.filter(status__in=["open", "submitted"]).count()
        if pending:
            problems.append(
                _("Còn %(count)d bài thi chưa chấm xong: hãy chờ chấm xong rồi công bố.")
                % {"count": pending}
            )
    return problems


def contest_results_published_mark(*, contest: Contest, user) -> Contest:
    """Closed → results published: the status step alone (conditional UPDATE, audited, public
    cache cleared). Called only by `scoring.services.prizes.results_publish`, inside the
    transaction that has locked the contest, checked `results_publish_problems` and frozen the
    results snapshot: never publish results without that snapshot."""
    return _transition(
        contest=contest,
        user=user,
        source=Contest.Status.CLOSED,
        target=Contest.Status.RESULTS_PUBLISHED,
    )


# --- Public pages' cache ----------------------------------------------------------------------


def contest_public_cache_clear(*, contest: Contest) -> None:
    """Drop the cached public data of `contest` after the transaction commits (the pages
    refresh at the next request instead of up to a minute later)."""
    slug = contest.slug

    def clear():
        # The cache is an optimisation; on failure the entries expire by themselves.
        with contextlib.suppress(Exception):
            cache.delete_many([PUBLIC_LIST_KEY, contest_page_key(slug)])

    transaction.on_commit(clear)
