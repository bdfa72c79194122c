"""Item statistics of a contest's question bank, from the graded attempts.

What it guarantees:
- exact: every figure is a sum over counts of the contest's graded `scoring.Attempt` rows at
  one moment (one REPEATABLE READ snapshot on PostgreSQL), written in one short transaction
  that replaces the previous figures (ItemStat, OptionStat, TopicUnitStat) and closes the run
  (ItemStatsRun.finished_at). The definitions (unanswered = wrong, rest score, 27 % groups,
  flags) are the pure rules of `learning.rules.item_stats`;
- small sufficient statistics (`Counts`): with t an attempt's correct count (0..N), the
  counts of items drawn per (question, t) and of answers per (question, option, t), plus per
  registration unit. Every figure derives from them exactly: an answer's item score x is 1
  when its option is in the key, the rest score is t − x, so the point-biserial sums are
  sums of n·t and n·t² (`rules.sums_for_answer_group`), and any 27 % cut-off is a sum over t;
- on PostgreSQL two aggregate passes, each unnesting one JSON column (`jsonb_array_elements`
  for the items, `jsonb_each_text` for the answers) into two small hash aggregates at once
  (GROUPING SETS), and no model instance per attempt. The plain-Python path (the SQLite demo)
  builds the same counts from the same rows (a test compares both paths);
- continued, not redone: a run keeps its counts per t (ItemStatsRun.counts), its mark (the
  latest graded_at counted) and a checksum, and the next run adds only the attempts graded
  after the mark (`attempt_graded_idx`) when that is exact
  (`learning.rules.item_stats_incremental.may_continue`: same key, topics and options, and
  the attempts up to the mark are still the counted ones, which a regrade or a late grading
  changes); otherwise it reads everything. A full read unnests every item and answer (at
  7.5 million attempts, minutes on one core: benchmarks/README.md); the continued run reads
  the new attempts and one index range for the checksum.

An answer counts when it is an option id (a JSON integer or a string of ASCII digits, which is
all `scoring.services.attempts.answers_clean` ever stores); anything else is unanswered.
Answers are read from the answers object, which answers_clean keeps to the attempt's own
items. The key is the current one (Option.is_correct), as grading reads it: an answer-key fix
regrades the attempts, after which a run reads everything again and agrees with their correct
counts. Not seen by the checksum: a registration moved to another unit after its attempts
were counted keeps them in its old unit's TopicUnitStat until a full run
(`item_stats_recompute(full=True)`)."""

from __future__ import annotations

import datetime
import logging
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Contest, Option, Question
from learning.models import ItemStat, ItemStatsRun, OptionStat, TopicUnitStat
from learning.rules import item_stats as rules
from learning.rules import item_stats_incremental as incremental
from participants.models import Registration
from scoring.models import Attempt

logger = logging.getLogger(__name__)

# A run not finished after this long is taken as lost (its worker died): a new one may start.
RUN_STALE_AFTER = datetime.timedelta(minutes=30)

_OPTION_ID = re.compile(r"[0-9]{1,18}", re.ASCII)


class RecomputeRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def answer_option(value) -> int | None:
    """The option id an answer names, or None for unanswered (anything but an integer or a
    string of ASCII digits, as the SQL path's `~ '^[0-9]{1,18}$'`)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**18 else None
    if isinstance(value, str) and _OPTION_ID.fullmatch(value):
        return int(value)
    return None


# --- reading the attempts --------------------------------------------------------------------


@dataclass
class Summary:
    """The histogram {correct count: attempts} of the attempts read, their checksum, and the
    latest graded_at among them."""

    histogram: dict[int, int]
    checksum: incremental.Checksum
    graded_until: datetime.datetime | None


def _graded(contest_id: int, since: datetime.datetime | None):
    attempts = Attempt.objects.filter(contest_id=contest_id, status=Attempt.Status.GRADED)
    return attempts if since is None else attempts.filter(graded_at__gt=since)


def attempts_summary(*, contest_id: int, since: datetime.datetime | None = None) -> Summary:
    """One GROUP BY over the graded attempts (those graded after `since` when given)."""
    rows = (
        _graded(contest_id, since)
        .order_by()
        .values_list("correct_count")
        .annotate(n=Count("id"), ids=Sum("id"), last=Max("graded_at"))
    )
    histogram: dict[int, int] = defaultdict(int)
    id_sum = correct_sum = 0
    lasts = []
    for c, n, ids, last in rows:
        histogram[int(c or 0)] += n
        id_sum += int(ids or 0)
        correct_sum += int(c or 0) * n
        if last is not None:
            lasts.append(last)
    return Summary(
        histogram=dict(histogram),
        checksum=incremental.Checksum(sum(histogram.values()), id_sum, correct_sum),
        graded_until=max(lasts) if lasts else None,
    )


def checksum_up_to(*, contest_id: int, mark: datetime.datetime) -> incremental.Checksum:
    """The checksum of the graded attempts with graded_at up to `mark` (a range of
    attempt_graded_idx)."""
    row = (
        _graded(contest_id, None)
        .filter(graded_at__lte=mark)
        .aggregate(n=Count("id"), ids=Sum("id"), correct=Sum("correct_count"))
    )
    return incremental.Checksum(row["n"], int(row["ids"] or 0), int(row["correct"] or 0))


@dataclass
class Counts:
    """The sufficient statistics of the item figures: every figure is a sum over these few
    thousand counts (t is an attempt's correct count, 0..N):
    - drawn[(q, t)]: items of question q in attempts with correct count t;
    - chosen[(q, o, t)]: answers naming option id o for question q in such attempts;
    - unit_drawn[(u, q)], unit_chosen[(u, q, o)]: the same per registration unit, all t."""

    drawn: dict[tuple[int, int], int]
    chosen: dict[tuple[int, int, int], int]
    unit_drawn: dict[tuple[int, int], int]
    unit_chosen: dict[tuple[int, int, int], int]


# Two passes over the graded attempts, each unnesting one JSON column and feeding two small
# hash aggregates at once (GROUPING SETS): no key look-up per item and no (unit, question,
# option) × sums aggregate. The join to the registrations (their unit) is a hash join.
_ITEMS_SQL = """
SELECT GROUPING(r.unit_id), r.unit_id, (it ->> 'q')::bigint, a.correct_count, count(*)
FROM scoring_attempt a
JOIN participants_registration r ON r.id = a.registration_id
CROSS JOIN LATERAL jsonb_array_elements(a.items) it
WHERE a.contest_id = %(contest_id)s AND a.status = 'graded' {since}
GROUP BY GROUPING SETS ((3, 4), (2, 3))
"""

_ANSWERS_SQL = """
SELECT GROUPING(r.unit_id), r.unit_id, kv.key, kv.value, a.correct_count, count(*)
FROM scoring_attempt a
JOIN participants_registration r ON r.id = a.registration_id
CROSS JOIN LATERAL jsonb_each_text(a.answers) kv
WHERE a.contest_id = %(contest_id)s AND a.status = 'graded' {since}
GROUP BY GROUPING SETS ((3, 4, 5), (2, 3, 4))
"""


def _tables(sql: str, since: datetime.datetime | None) -> str:
    sql = sql.format(since="AND a.graded_at > %(since)s" if since is not None else "")
    return sql.replace("scoring_attempt", Attempt._meta.db_table).replace(
        "participants_registration", Registration._meta.db_table
    )


def _question_id(key) -> int | None:
    return int(key) if isinstance(key, str) and _OPTION_ID.fullmatch(key) else None


def counts_sql(*, contest_id: int, since: datetime.datetime | None = None) -> Counts:
    """PostgreSQL: the counts in two aggregate queries (see the module docstring), over the
    attempts graded after `since` when given."""
    out = Counts({}, {}, {}, {})
    params = {"contest_id": contest_id, "since": since}
    with connection.cursor() as cursor:
        cursor.execute(_tables(_ITEMS_SQL, since), params)
        for by_t, unit, q, t, n in cursor.fetchall():
            if by_t:
                out.drawn[(q, int(t or 0))] = n
            else:
                out.unit_drawn[(unit, q)] = n
        cursor.execute(_tables(_ANSWERS_SQL, since), params)
        for by_t, unit, key, value, t, n in cursor.fetchall():
            q, o = _question_id(key), answer_option(value)
            if q is None or o is None:
                continue
            if by_t:
                out.chosen[(q, o, int(t or 0))] = n
            else:
                out.unit_chosen[(unit, q, o)] = n
    return out


def counts_python(*, contest_id: int, since: datetime.datetime | None = None) -> Counts:
    """Any database (the SQLite demo): the same counts from the same rows, streamed."""
    drawn: dict = defaultdict(int)
    chosen: dict = defaultdict(int)
    unit_drawn: dict = defaultdict(int)
    unit_chosen: dict = defaultdict(int)
    rows = (
        _graded(contest_id, since)
        .values_list("registration__unit_id", "correct_count", "items", "answers")
        .order_by()
        .iterator(chunk_size=2000)
    )
    for unit, correct_count, items, answers in rows:
        t = int(correct_count or 0)
        for item in items or []:
            q = int(item["q"])
            drawn[(q, t)] += 1
            unit_drawn[(unit, q)] += 1
        for key, value in (answers if isinstance(answers, dict) else {}).items():
            # jsonb_each_text's text of the value: a JSON string "12" and a number 12 alike.
            q, o = _question_id(key), answer_option(value)
            if q is None or o is None:
                continue
            chosen[(q, o, t)] += 1
            unit_chosen[(unit, q, o)] += 1
    return Counts(dict(drawn), dict(chosen), dict(unit_drawn), dict(unit_chosen))


def _added(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, n in b.items():
        out[k] = out.get(k, 0) + n
    return out


def counts_to_json(*, histogram: dict[int, int], counts: Counts) -> dict:
    """What a run keeps for the next one (the per-unit counts live on as TopicUnitStat)."""
    return {
        "histogram": sorted([t, n] for t, n in histogram.items()),
        "drawn": sorted([q, t, n] for (q, t), n in counts.drawn.items()),
        "chosen": sorted([q, o, t, n] for (q, o, t), n in counts.chosen.items()),
    }


def counts_from_json(data: dict) -> tuple[dict[int, int], Counts]:
    histogram = {int(t): int(n) for t, n in data.get("histogram", [])}
    drawn = {(int(q), int(t)): int(n) for q, t, n in data.get("drawn", [])}
    chosen = {(int(q), int(o), int(t)): int(n) for q, o, t, n in data.get("chosen", [])}
    return histogram, Counts(drawn, chosen, {}, {})


# --- from groups to figures ------------------------------------------------------------------


@dataclass
class ItemFigures:
    question_id: int
    drawn: int
    answered: int
    correct: int
    facility: float | None
    discrimination: float | None
    flags: list[str]
    # option id -> (chosen, chosen by the upper group, chosen by the lower group)
    options: dict[int, tuple[int, int, int]]


@dataclass
class Figures:
    histogram: dict[int, int]
    groups: rules.Groups | None
    items: list[ItemFigures]
    # (unit id, topic id) -> (drawn, answered, correct)
    topic_units: dict[tuple[int, int], tuple[int, int, int]]


def figures_assemble(
    *,
    histogram: dict[int, int],
    groups: rules.Groups | None,
    counts: Counts,
    key: dict[int, frozenset[int]],
    question_topics: dict[int, int],
    question_options: dict[int, list[int]],
    base_topic_units: dict[tuple[int, int], tuple[int, int, int]] | None = None,
) -> Figures:
    """Pure: the figures from the counts, the key, each question's topic and options.
    Questions no longer in the bank (deleted versions) are left out.

    Per question and correct count t, the n drawn attempts split into c with x = 1 (a key
    option chosen) and n − c with x = 0; each part has one item score, so its sums follow
    from count, Σt = count·t and Σt² = count·t² (`rules.sums_for_answer_group`)."""
    drawn: dict[int, int] = defaultdict(int)
    answered: dict[int, int] = defaultdict(int)
    chosen: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    right_at: dict[tuple[int, int], int] = defaultdict(int)  # (q, t) -> attempts with x = 1
    for (q, o, t), n in counts.chosen.items():
        if q not in question_topics:
            continue
        answered[q] += n
        if o in key.get(q, ()):
            right_at[(q, t)] += n
        side = rules.group_of(correct_count=t, groups=groups)
        option = chosen[(q, o)]
        option[0] += n
        option[1] += n if side == 1 else 0
        option[2] += n if side == -1 else 0
    sums: dict[int, rules.Sums] = defaultdict(rules.Sums)
    correct: dict[int, int] = defaultdict(int)
    for (q, t), n in counts.drawn.items():
        if q not in question_topics:
            continue
        right = right_at.get((q, t), 0)
        drawn[q] += n
        correct[q] += right
        for x, part in ((1, right), (0, n - right)):
            if part:
                sums[q] = sums[q] + rules.sums_for_answer_group(
                    count=part, x=x, sum_correct=part * t, sum_correct2=part * t * t
                )
    topic_units: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for unit_topic, values in (base_topic_units or {}).items():
        topic_units[unit_topic] = list(values)
    for (unit, q), n in counts.unit_drawn.items():
        if q in question_topics:
            topic_units[(unit, question_topics[q])][0] += n
    for (unit, q, o), n in counts.unit_chosen.items():
        if q in question_topics:
            tu = topic_units[(unit, question_topics[q])]
            tu[1] += n
            tu[2] += n if o in key.get(q, ()) else 0
    items = []
    for q in sorted(drawn):
        options = {
            option: tuple(chosen.get((q, option), (0, 0, 0))) for option in question_options[q]
        }
        facility = rules.facility(drawn=drawn[q], correct=correct[q])
        discrimination = rules.point_biserial(sums[q])
        correct_ids = key.get(q, frozenset())
        flags = rules.item_flags(
            drawn=drawn[q],
            facility=facility,
            discrimination=discrimination,
            key_upper=sum(v[1] for o, v in options.items() if o in correct_ids),
            distractors_upper=[v[1] for o, v in options.items() if o not in correct_ids],
        )
        items.append(
            ItemFigures(
                question_id=q,
                drawn=drawn[q],
                answered=answered[q],
                correct=correct[q],
                facility=facility,
                discrimination=discrimination,
                flags=flags,
                options=options,
            )
        )
    return Figures(
        histogram=histogram,
        groups=groups,
        items=items,
        topic_units={k: tuple(v) for k, v in topic_units.items()},
    )


@dataclass
class Bank:
    topics: dict[int, int]  # question id -> topic id
    options: dict[int, list[int]]  # question id -> option ids by position
    key: dict[int, frozenset[int]]  # question id -> correct option ids
    fingerprint: str


def bank_read(*, contest_id: int) -> Bank:
    topics = dict(Question.objects.filter(contest_id=contest_id).values_list("id", "topic_id"))
    options: dict[int, list[int]] = defaultdict(list)
    key: dict[int, set[int]] = defaultdict(set)
    for option_id, q, is_correct in (
        Option.objects.filter(question_id__in=list(topics))
        .order_by("question_id", "position")
        .values_list("id", "question_id", "is_correct")
    ):
        options[q].append(option_id)
        if is_correct:
            key[q].add(option_id)
    fingerprint = incremental.bank_fingerprint(
        [(q, topic, options.get(q, []), key.get(q, ())) for q, topic in topics.items()]
    )
    return Bank(
        topics=topics,
        options=options,
        key={q: frozenset(ids) for q, ids in key.items()},
        fingerprint=fingerprint,
    )


@dataclass
class Computation:
    """A run's figures and what it keeps for the next run."""

    figures: Figures
    counts: Counts
    summary: Summary
    fingerprint: str
    incremental: bool


def _previous_run(*, contest_id: int, run_id: int | None) -> ItemStatsRun | None:
    return (
        ItemStatsRun.objects.filter(contest_id=contest_id, finished_at__isnull=False)
        .exclude(pk=run_id)
        .order_by("-finished_at", "-pk")
        .first()
    )


def _compute(
    *, contest_id: int, use_sql: bool | None, full: bool, run_id: int | None
) -> Computation:
    if use_sql is None:
        use_sql = connection.vendor == "postgresql"
    bank = bank_read(contest_id=contest_id)
    previous = None if full else _previous_run(contest_id=contest_id, run_id=run_id)
    since = None
    if previous is not None and previous.graded_until is not None and previous.counts:
        counted = incremental.Checksum(
            previous.attempts_counted, previous.counted_id_sum, previous.counted_correct_sum
        )
        if incremental.may_continue(
            has_previous=True,
            previous_fingerprint=previous.key_fingerprint,
            fingerprint=bank.fingerprint,
            counted=counted,
            now_up_to_mark=checksum_up_to(contest_id=contest_id, mark=previous.graded_until),
        ):
            since = previous.graded_until
    summary = attempts_summary(contest_id=contest_id, since=since)
    counts = (counts_sql if use_sql else counts_python)(contest_id=contest_id, since=since)
    base_topic_units = None
    if since is not None:
        histogram, base = counts_from_json(previous.counts)
        summary = Summary(
            histogram=_added(histogram, summary.histogram),
            checksum=incremental.Checksum(
                counted.count + summary.checksum.count,
                counted.id_sum + summary.checksum.id_sum,
                counted.correct_sum + summary.checksum.correct_sum,
            ),
            graded_until=max(since, summary.graded_until or since),
        )
        counts = Counts(
            drawn=_added(base.drawn, counts.drawn),
            chosen=_added(base.chosen, counts.chosen),
            unit_drawn=counts.unit_drawn,
            unit_chosen=counts.unit_chosen,
        )
        base_topic_units = {
            (unit, topic): (d, a, c)
            for unit, topic, d, a, c in TopicUnitStat.objects.filter(
                contest_id=contest_id
            ).values_list("unit_id", "topic_id", "drawn", "answered", "correct")
        }
    groups = rules.score_groups(summary.histogram)
    figures = figures_assemble(
        histogram=summary.histogram,
        groups=groups,
        counts=counts,
        key=bank.key,
        question_topics=bank.topics,
        question_options=bank.options,
        base_topic_units=base_topic_units,
    )
    return Computation(
        figures=figures,
        counts=counts,
        summary=summary,
        fingerprint=bank.fingerprint,
        incremental=since is not None,
    )


def item_stats_compute(
    *, contest_id: int, use_sql: bool | None = None, full: bool = False, run_id: int | None = None
) -> Computation:
    """Read the contest's figures in one snapshot (nothing written): from the previous
    finished run's counts plus the attempts graded since, when that is exact
    (`rules.item_stats_incremental.may_continue`), else from every graded attempt. On
    PostgreSQL the reads share one REPEATABLE READ snapshot, so the previous run's TopicUnitStat
    rows, the checksum and the new attempts agree."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return _compute(contest_id=contest_id, use_sql=use_sql, full=full, run_id=run_id)
    return _compute(contest_id=contest_id, use_sql=use_sql, full=full, run_id=run_id)


def item_figures_compute(*, contest_id: int, use_sql: bool | None = None) -> Figures:
    """The figures from every graded attempt (a full recount; nothing written)."""
    return item_stats_compute(contest_id=contest_id, use_sql=use_sql, full=True).figures


# --- runs ------------------------------------------------------------------------------------


def item_stats_request(*, contest: Contest, now: datetime.datetime | None = None) -> ItemStatsRun:
    """Open a run for the contest and queue its computation after commit (inline when Celery
    runs eagerly, as in the demo). Refused (RecomputeRefused, Vietnamese message, nothing
    written) while another run of the contest is still going."""
    now = now or timezone.now()
    with transaction.atomic():
        # The contest row serialises two clicks on "Tính lại thống kê".
        Contest.objects.select_for_update().filter(pk=contest.pk).values_list("pk").first()
        busy = ItemStatsRun.objects.filter(
            contest=contest, finished_at__isnull=True, started_at__gt=now - RUN_STALE_AFTER
        ).exists()
        if busy:
            raise RecomputeRefused(
                _("Thống kê câu hỏi của cuộc thi này đang được tính, hãy chờ lần tính đó xong.")
            )
        run = ItemStatsRun.objects.create(contest=contest, started_at=now)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from learning.tasks import item_stats_compute

    try:
        item_stats_compute.delay(run_id)
    except Exception:  # the broker is down: the run stays open and can be requested again
        logger.exception("item statistics run %s could not be queued", run_id)


def item_stats_run(
    *, run_id: int, use_sql: bool | None = None, full: bool = False
) -> ItemStatsRun | None:
    """Compute and write the figures of one run. Safe to run twice: a finished or missing run
    is left alone (None). The previous figures of the contest are replaced in one short
    transaction at the end, so pages never see half a computation."""
    run = ItemStatsRun.objects.filter(pk=run_id, finished_at__isnull=True).first()
    if run is None:
        return None
    computation = item_stats_compute(
        contest_id=run.contest_id, use_sql=use_sql, full=full, run_id=run.pk
    )
    figures_write(run=run, computation=computation)
    return run


def item_stats_recompute(
    *, contest: Contest, use_sql: bool | None = None, full: bool = False
) -> ItemStatsRun:
    """Open a run and compute it now (management command, demo, benchmark); `full` reads
    every graded attempt even when the previous run could be continued."""
    run = ItemStatsRun.objects.create(contest=contest, started_at=timezone.now())
    item_stats_run(run_id=run.pk, use_sql=use_sql, full=full)
    run.refresh_from_db()
    return run


@transaction.atomic
def figures_write(*, run: ItemStatsRun, computation: Computation) -> None:
    now = timezone.now()
    figures = computation.figures
    Contest.objects.select_for_update().filter(pk=run.contest_id).values_list("pk").first()
    if not ItemStatsRun.objects.filter(pk=run.pk, finished_at__isnull=True).exists():
        return  # another worker finished this run meanwhile: its figures are the same
    ItemStat.objects.filter(contest_id=run.contest_id).delete()
    TopicUnitStat.objects.filter(contest_id=run.contest_id).delete()
    stats = ItemStat.objects.bulk_create(
        ItemStat(
            contest_id=run.contest_id,
            question_id=item.question_id,
            drawn=item.drawn,
            answered=item.answered,
            correct=item.correct,
            facility=item.facility,
            discrimination=item.discrimination,
            flags=item.flags,
            computed_at=now,
        )
        for item in figures.items
    )
    OptionStat.objects.bulk_create(
        OptionStat(item=stat, option_id=option, chosen=c, chosen_upper=up, chosen_lower=low)
        for stat, item in zip(stats, figures.items, strict=True)
        for option, (c, up, low) in item.options.items()
    )
    TopicUnitStat.objects.bulk_create(
        (
            TopicUnitStat(
                contest_id=run.contest_id,
                unit_id=unit,
                topic_id=topic,
                drawn=d,
                answered=a,
                correct=c,
            )
            for (unit, topic), (d, a, c) in sorted(figures.topic_units.items())
        ),
        batch_size=2000,
    )
    groups = figures.groups
    ItemStatsRun.objects.filter(pk=run.pk).update(
        finished_at=now,
        attempts_counted=sum(figures.histogram.values()),
        upper_min=groups.upper_min if groups else None,
        lower_max=groups.lower_max if groups else None,
        upper_attempts=groups.upper_attempts if groups else 0,
        lower_attempts=groups.lower_attempts if groups else 0,
        incremental=computation.incremental,
        graded_until=computation.summary.graded_until,
        counted_id_sum=computation.summary.checksum.id_sum,
        counted_correct_sum=computation.summary.checksum.correct_sum,
        key_fingerprint=computation.fingerprint,
        counts=counts_to_json(histogram=figures.histogram, counts=computation.counts),
    )
