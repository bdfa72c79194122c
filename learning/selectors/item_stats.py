"""Reads for the item statistics pages: which contests an organiser may look at, the question
table (owner side only: option frequencies give the key away) and the weakest topics of each
unit below the organiser's unit (any organiser the contest is visible to, its own units)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet

from contests.access import answer_key_visible_to
from contests.models import Contest, Topic, Unit
from contests.selectors import (
    contest_draft_hidden_from,
    contests_visible_q,
    organiser_unit,
    path_prefix_for,
    units_visible_to,
)
from learning.models import ItemStat, ItemStatsRun, OptionStat, TopicUnitStat
from learning.rules import item_stats as rules


def contests_with_item_stats_for(*, user) -> QuerySet[Contest]:
    """The contests the organiser sees in admin (owned, or taken part in once published)."""
    q = contests_visible_q(user=user)
    if q is None:
        return Contest.objects.none()
    return Contest.objects.filter(q)


def runs_visible_to(*, user, annotate_owned: bool = False) -> QuerySet[ItemStatsRun]:
    """The runs of the contests the organiser sees; with `annotate_owned`, each carries
    `owned`: the organiser is on the contest's owner side (contests.access)."""
    q = contests_visible_q(user=user)
    if q is None:
        return ItemStatsRun.objects.none()
    runs = ItemStatsRun.objects.filter(
        contest__in=Contest.objects.filter(q).values("pk")
    ).select_related("contest__owner_unit")
    if annotate_owned:
        prefix = path_prefix_for(user=user) or ""
        runs = runs.annotate(
            owned=ExpressionWrapper(
                Q(contest__owner_unit__path__startswith=prefix), output_field=BooleanField()
            )
        )
    return runs


@dataclass(frozen=True)
class ContestAccess:
    contest: Contest
    pages: frozenset[str]
    run: ItemStatsRun | None


def contest_access(*, user, contest_id: int) -> ContestAccess | None:
    """The contest with what this organiser may open of its statistics; None when it may open
    nothing (outside its subtree, a draft of another side, or no such contest)."""
    contest = (
        contests_with_item_stats_for(user=user)
        .select_related("owner_unit", "participation_root")
        .filter(pk=contest_id)
        .first()
    )
    if contest is None or contest_draft_hidden_from(user=user, contest=contest):
        return None
    pages = rules.pages_allowed(
        sees_contest=True, owns_contest=answer_key_visible_to(user=user, contest=contest)
    )
    run = (
        ItemStatsRun.objects.filter(contest=contest, finished_at__isnull=False)
        .order_by("-finished_at")
        .first()
    )
    return ContestAccess(contest=contest, pages=pages, run=run)


# --- questions -------------------------------------------------------------------------------


@dataclass
class OptionRow:
    position: int
    text: str
    is_key: bool
    chosen: int
    chosen_upper: int
    chosen_lower: int
    share: float  # of the item's answers
    bar: int  # width in percent of the widest option


@dataclass
class QuestionRow:
    stat: ItemStat
    number: int
    text: str
    topic: str
    version: int
    flags: list[tuple[str, str, str]]  # code, label, explanation
    options: list[OptionRow] = field(default_factory=list)


def question_rows(
    *, contest: Contest, flag: str | None = None, topic_id: int | None = None
) -> list[QuestionRow]:
    """Every question with statistics, in the bank's order, optionally only those with `flag`
    or in `topic_id`; three queries (stats with questions, options with their stats)."""
    stats = (
        ItemStat.objects.filter(contest=contest)
        .select_related("question__topic")
        .prefetch_related(
            Prefetch(
                "options",
                queryset=OptionStat.objects.select_related("option").order_by("option__position"),
            )
        )
        .order_by("question__topic__name", "question_id")
    )
    if topic_id is not None:
        stats = stats.filter(question__topic_id=topic_id)
    rows = []
    for number, stat in enumerate(stats, start=1):
        codes = list(stat.flags or [])
        if flag is not None and flag not in codes:
            continue
        answered = sum(o.chosen for o in stat.options.all()) or 1
        widest = max((o.chosen for o in stat.options.all()), default=0) or 1
        rows.append(
            QuestionRow(
                stat=stat,
                number=number,
                text=stat.question.text,
                topic=stat.question.topic.name,
                version=stat.question.version,
                flags=[
                    (c, rules.flag_label(c), rules.flag_explanation(c))
                    for c in codes
                    if c in rules.FLAGS
                ],
                options=[
                    OptionRow(
                        position=o.option.position,
                        text=o.option.text,
                        is_key=o.option.is_correct,
                        chosen=o.chosen,
                        chosen_upper=o.chosen_upper,
                        chosen_lower=o.chosen_lower,
                        share=o.chosen / answered,
                        bar=round(100 * o.chosen / widest),
                    )
                    for o in stat.options.all()
                ],
            )
        )
    return rows


def flag_counts(*, contest: Contest) -> dict[str, int]:
    counts = dict.fromkeys(rules.FLAG_ORDER, 0)
    for flags in ItemStat.objects.filter(contest=contest).values_list("flags", flat=True):
        for code in flags or []:
            if code in counts:
                counts[code] += 1
    return counts


def topics_of(*, contest: Contest) -> list[Topic]:
    return list(Topic.objects.filter(contest=contest).order_by("name"))


# --- topics per unit -------------------------------------------------------------------------


@dataclass
class UnitTopics:
    unit: Unit
    # Per topic, in `topics` order: drawn, correct, share correct.
    cells: list[tuple[int, int, float | None]]
    weakest: list[rules.TopicRow]
    has_children: bool


@dataclass
class TopicTable:
    parent: Unit
    topics: list[Topic]
    total: list[rules.TopicRow]  # the parent's whole subtree, per topic
    units: list[UnitTopics]
    ancestors: list[Unit]  # the way back up, within what the organiser sees


def parent_unit_for(*, user, contest: Contest, code: str | None) -> Unit | None:
    """The unit whose children the table compares: `code` when the organiser sees it and it
    lies in the contest's participation tree; by default the organiser's own unit if it lies
    there, else the participation root (when visible). None: nothing to show."""
    root = contest.participation_root
    visible = units_visible_to(user=user)
    if code:
        unit = visible.filter(code=code, path__startswith=root.path).first()
        return unit
    own = organiser_unit(user=user)
    if own is not None and own.path.startswith(root.path):
        return own
    if own is not None and root.path.startswith(own.path):
        return root
    return root if visible.filter(pk=root.pk).exists() else None


def topic_table(*, contest: Contest, parent: Unit, user) -> TopicTable:
    """Per child of `parent` (its whole subtree summed), each topic's share correct and its
    weakest topics; one query for the statistics of the subtree, one for the children."""
    topics = topics_of(contest=contest)
    children = list(
        Unit.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("path")
    )
    width = len(parent.path) + Unit.steplen
    sums: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    total: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = TopicUnitStat.objects.filter(
        contest=contest, unit__path__startswith=parent.path
    ).values_list("unit__path", "topic_id", "drawn", "correct")
    for path, topic_id, drawn, correct in rows:
        total[topic_id][0] += drawn
        total[topic_id][1] += correct
        if len(path) >= width:
            acc = sums[(path[:width], topic_id)]
            acc[0] += drawn
            acc[1] += correct
    units = []
    for child in children:
        topic_rows = [
            rules.TopicRow(t.pk, t.name, *sums.get((child.path, t.pk), (0, 0))) for t in topics
        ]
        units.append(
            UnitTopics(
                unit=child,
                cells=[(r.drawn, r.correct, r.share) for r in topic_rows],
                weakest=rules.weakest_topics(topic_rows),
                has_children=child.numchild > 0,
            )
        )
    visible_prefix_units = units_visible_to(user=user)
    steplen = Unit.steplen
    ancestor_paths = [parent.path[:i] for i in range(steplen, len(parent.path), steplen)]
    ancestors = list(
        visible_prefix_units.filter(
            path__in=ancestor_paths, path__startswith=contest.participation_root.path
        ).order_by("depth")
    )
    return TopicTable(
        parent=parent,
        topics=topics,
        total=[rules.TopicRow(t.pk, t.name, *total.get(t.pk, (0, 0))) for t in topics],
        units=units,
        ancestors=ancestors,
    )
