"""Item statistics of a contest's question bank, recomputed in full from the graded attempts.

What it guarantees:
- exact: every figure is a recount of the contest's graded `scoring.Attempt` rows at one
  moment (one read), written in one short transaction that replaces the previous figures
  (ItemStat, OptionStat, TopicUnitStat) and closes the run (ItemStatsRun.finished_at). The
  definitions (unanswered = wrong, rest score, 27 % groups, flags) are the pure rules of
  `learning.rules.item_stats`;
- cheap at city scale: on PostgreSQL two aggregate queries and no model instance per attempt:
  the histogram of correct counts (the group cut-offs need it first), then one pass over the
  attempts that unnests their items (`jsonb_array_elements`) and groups by (registration unit,
  question, chosen option) with count, Σ correct count and Σ correct count². Everything else
  (the key, the topics, the sums of the point-biserial correlation) is applied to those few
  thousand groups in Python: the item score is the same for every attempt in a group, so the
  five additive sums follow from count, Σc and Σc² (`rules.sums_for_answer_group`);
- the same numbers on SQLite (the demo): the plain-Python path builds the same groups from the
  same rows and the same assembly turns them into figures (a test compares both paths).

Full recompute only, not incremental: the sums are additive, but the 27 % cut-offs move with
every new attempt, and so would every option's upper/lower counts; a full recompute of
7.5 million attempts stays within a minute (benchmarks/item_stats_bench.py).

An answer counts when it is an option id (a JSON integer or a string of ASCII digits, which is
all `scoring.services.attempts.answers_clean` ever stores); anything else is unanswered. The
key is the current one (Option.is_correct), as grading reads it: an answer-key fix regrades the
attempts, after which a recompute agrees with their correct counts."""

from __future__ import annotations

import datetime
import logging
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Contest, Option, Question
from learning.models import ItemStat, ItemStatsRun, OptionStat, TopicUnitStat
from learning.rules import item_stats as rules
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


def score_histogram(*, contest_id: int) -> dict[int, int]:
    """{correct count: graded attempts} of the contest: one GROUP BY."""
    rows = (
        Attempt.objects.filter(contest_id=contest_id, status=Attempt.Status.GRADED)
        .order_by()
        .values_list("correct_count")
        .annotate(n=Count("id"))
    )
    return {int(c or 0): n for c, n in rows}


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
WHERE a.contest_id = %(contest_id)s AND a.status = 'graded'
GROUP BY GROUPING SETS ((3, 4), (2, 3))
"""

_ANSWERS_SQL = """
SELECT GROUPING(r.unit_id), r.unit_id, kv.key, kv.value, a.correct_count, count(*)
FROM scoring_attempt a
JOIN participants_registration r ON r.id = a.registration_id
CROSS JOIN LATERAL jsonb_each_text(a.answers) kv
WHERE a.contest_id = %(contest_id)s AND a.status = 'graded'
GROUP BY GROUPING SETS ((3, 4, 5), (2, 3, 4))
"""


def _tables(sql: str) -> str:
    return sql.replace("scoring_attempt", Attempt._meta.db_table).replace(
        "participants_registration", Registration._meta.db_table
    )


def _question_id(key) -> int | None:
    return int(key) if isinstance(key, str) and _OPTION_ID.fullmatch(key) else None


def counts_sql(*, contest_id: int) -> Counts:
    """PostgreSQL: the counts in two aggregate queries (see the module docstring)."""
    out = Counts({}, {}, {}, {})
    params = {"contest_id": contest_id}
    with connection.cursor() as cursor:
        cursor.execute(_tables(_ITEMS_SQL), params)
        for by_t, unit, q, t, n in cursor.fetchall():
            if by_t:
                out.drawn[(q, int(t or 0))] = n
            else:
                out.unit_drawn[(unit, q)] = n
        cursor.execute(_tables(_ANSWERS_SQL), params)
        for by_t, unit, key, value, t, n in cursor.fetchall():
            q, o = _question_id(key), answer_option(value)
            if q is None or o is None:
                continue
            if by_t:
                out.chosen[(q, o, int(t or 0))] = n
            else:
                out.unit_chosen[(unit, q, o)] = n
    return out


def counts_python(*, contest_id: int) -> Counts:
    """Any database (the SQLite demo): the same counts from the same rows, streamed."""
    drawn: dict = defaultdict(int)
    chosen: dict = defaultdict(int)
    unit_drawn: dict = defaultdict(int)
    unit_chosen: dict = defaultdict(int)
    rows = (
        Attempt.objects.filter(contest_id=contest_id, status=Attempt.Status.GRADED)
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


def item_figures_compute(*, contest_id: int, use_sql: bool | None = None) -> Figures:
    """Read the contest's graded attempts once and return its figures (nothing written).
    `use_sql` defaults to PostgreSQL's aggregate path where available."""
    if use_sql is None:
        use_sql = connection.vendor == "postgresql"
    histogram = score_histogram(contest_id=contest_id)
    groups = rules.score_groups(histogram)
    counts = (counts_sql if use_sql else counts_python)(contest_id=contest_id)
    question_ids = {q for (q, _t) in counts.drawn}
    questions = dict(
        Question.objects.filter(contest_id=contest_id, id__in=question_ids).values_list(
            "id", "topic_id"
        )
    )
    options: dict[int, list[int]] = defaultdict(list)
    key: dict[int, set[int]] = defaultdict(set)
    for option_id, q, is_correct in (
        Option.objects.filter(question_id__in=list(questions))
        .order_by("question_id", "position")
        .values_list("id", "question_id", "is_correct")
    ):
        options[q].append(option_id)
        if is_correct:
            key[q].add(option_id)
    return figures_assemble(
        histogram=histogram,
        groups=groups,
        counts=counts,
        key={q: frozenset(ids) for q, ids in key.items()},
        question_topics=questions,
        question_options=options,
    )


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


def item_stats_run(*, run_id: int, use_sql: bool | None = None) -> ItemStatsRun | None:
    """Compute and write the figures of one run. Safe to run twice: a finished or missing run
    is left alone (None). The previous figures of the contest are replaced in one short
    transaction at the end, so pages never see half a computation."""
    run = ItemStatsRun.objects.filter(pk=run_id, finished_at__isnull=True).first()
    if run is None:
        return None
    figures = item_figures_compute(contest_id=run.contest_id, use_sql=use_sql)
    figures_write(run=run, figures=figures)
    return run


def item_stats_recompute(*, contest: Contest, use_sql: bool | None = None) -> ItemStatsRun:
    """Open a run and compute it now (management command, demo, benchmark)."""
    run = ItemStatsRun.objects.create(contest=contest, started_at=timezone.now())
    item_stats_run(run_id=run.pk, use_sql=use_sql)
    run.refresh_from_db()
    return run


@transaction.atomic
def figures_write(*, run: ItemStatsRun, figures: Figures) -> None:
    now = timezone.now()
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
    )
