"""Reads of the unit tree, of what an organiser may see, and of contests (public pages,
previews, the question bank a test can be drawn from)."""

import contextlib
import datetime
import random
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from contests.cache_keys import PUBLIC_LIST_KEY, contest_page_key
from contests.models import (
    Announcement,
    BlueprintItem,
    Contest,
    PrizeStructure,
    PrizeTier,
    Question,
    Round,
    Unit,
)
from contests.refusals import Refusal
from contests.rules.draw import DrawItem, draw
from contests.rules.prize_display import (
    PrizeEntry,
    PrizeFacts,
    PrizeGroup,
    prize_groups,
    round_word,
)


def organiser_unit(*, user) -> Unit | None:
    """The unit a staff account is attached to; None for superusers (they see everything)
    and for accounts with no unit (they see nothing)."""
    if user.is_superuser:
        return None
    organiser = getattr(user, "organiser", None)
    return organiser.unit if organiser is not None else None


def sees_everything(*, user) -> bool:
    """Only superusers see the whole forest: a city or province account sees its own tree
    (its root's subtree), never another province imported beside it."""
    return user.is_superuser


def unit_subtree(*, unit: Unit) -> QuerySet[Unit]:
    """The unit and everything below it: one indexed `path LIKE 'prefix%'` query."""
    return Unit.objects.filter(path__startswith=unit.path)


def unit_ancestors(*, unit: Unit) -> QuerySet[Unit]:
    """The unit's ancestors, root first, without the unit: one `path IN (...)` query."""
    steplen = Unit.steplen
    paths = [unit.path[:i] for i in range(steplen, len(unit.path), steplen)]
    return Unit.objects.filter(path__in=paths).order_by("depth")


def units_visible_to(*, user) -> QuerySet[Unit]:
    if sees_everything(user=user):
        return Unit.objects.all()
    unit = organiser_unit(user=user)
    if unit is None:
        return Unit.objects.none()
    return unit_subtree(unit=unit)


def path_prefix_for(*, user) -> str | None:
    """The path prefix an organiser's rows must start with; "" for all, None for none."""
    if sees_everything(user=user):
        return ""
    unit = organiser_unit(user=user)
    return unit.path if unit is not None else None


# --- Contests (public pages, organiser scoping, previews) -------------------------------------


PUBLIC_STATUSES = (
    Contest.Status.PUBLISHED,
    Contest.Status.CLOSED,
    Contest.Status.RESULTS_PUBLISHED,
)
PUBLIC_CACHE_SECONDS = 60


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # the cache is an optimisation: Redis down means "not cached"
        return None


def _cache_set(key: str, value, timeout: int = PUBLIC_CACHE_SECONDS) -> None:
    with contextlib.suppress(Exception):
        cache.set(key, value, timeout=timeout)


def contest_phase(*, contest: Contest, now: datetime.datetime) -> str:
    """ "open", "upcoming" or "finished" for a public contest at `now`."""
    if contest.status != Contest.Status.PUBLISHED or now >= contest.closes_at:
        return "finished"
    if now < contest.opens_at:
        return "upcoming"
    return "open"


def contests_public() -> list[Contest]:
    """Every published, closed or results-published contest (never a draft), newest first,
    with its owner unit: one query, cached PUBLIC_CACHE_SECONDS (no per-user data in it)."""
    contests = _cache_get(PUBLIC_LIST_KEY)
    if contests is None:
        contests = list(
            Contest.objects.filter(status__in=PUBLIC_STATUSES)
            .select_related("owner_unit")
            .only(
                "id",
                "slug",
                "title",
                "summary",
                "opens_at",
                "closes_at",
                "status",
                "min_age",
                "owner_unit__id",
                "owner_unit__name",
            )
            .order_by("-opens_at", "id")
        )
        _cache_set(PUBLIC_LIST_KEY, contests)
    return contests


def contests_by_phase(*, now: datetime.datetime | None = None) -> dict[str, list[Contest]]:
    """Public contests split into open (closing soonest first), upcoming (opening soonest
    first) and finished (latest first)."""
    now = now or timezone.now()
    phases: dict[str, list[Contest]] = {"open": [], "upcoming": [], "finished": []}
    for contest in contests_public():
        phases[contest_phase(contest=contest, now=now)].append(contest)
    phases["open"].sort(key=lambda c: c.closes_at)
    phases["upcoming"].sort(key=lambda c: c.opens_at)
    return phases


@dataclass
class StructureView:
    structure: PrizeStructure
    individual: list[PrizeTier] = field(default_factory=list)
    collective: list[PrizeTier] = field(default_factory=list)

    @property
    def budget(self) -> int:
        return sum(t.count * t.amount for t in self.individual + self.collective)

    @property
    def individual_count(self) -> int:
        return sum(t.count for t in self.individual)

    @property
    def collective_count(self) -> int:
        return sum(t.count for t in self.collective)


@dataclass
class ContestPage:
    """What the public contest page shows; plain data, cached, the same for everyone."""

    contest: Contest
    milestones: list
    rounds: list
    structures: list[StructureView]
    blocks: list
    question_count: int
    # Every announcement of the contest, newest first, archived ones included (the page shows
    # those published by now: `announcements_shown`).
    announcements: list[Announcement] = field(default_factory=list)

    @property
    def budget(self) -> int:
        return sum(s.budget for s in self.structures)

    @property
    def prize_groups(self) -> list[PrizeGroup]:
        """The prize tables: a weekly structure the same every week is one "Mỗi tuần: …"
        table, each with its rules in words (contests.rules.prize_display)."""
        titles = {r.pk: (r.number, r.title) for r in self.rounds}
        entries = []
        for view in self.structures:
            s = view.structure
            number, round_title = titles.get(s.round_id, (None, ""))
            entries.append(
                PrizeEntry(
                    payload=view,
                    title=s.title,
                    round_title=round_title,
                    facts=PrizeFacts(
                        round_number=number,
                        category=s.category.name if s.category_id else "",
                        unit=s.unit.name if s.unit_id else "",
                        one_prize_per=s.one_prize_per,
                        cap_percent=s.cap_percent,
                        excludes_round_winners=s.excludes_round_winners,
                    ),
                    tiers=tuple(
                        (t.kind, t.name, t.count, t.amount)
                        for t in view.individual + view.collective
                    ),
                    budget=view.budget,
                )
            )
        word = round_word([r.title for r in self.rounds])
        return prize_groups(entries, has_rounds=bool(self.rounds), word=word)


def announcements_shown(
    *, announcements: list[Announcement], now: datetime.datetime
) -> tuple[list[Announcement], list[Announcement]]:
    """The announcements a contest page shows at `now`: (current, archive), newest first; one
    scheduled for later is not shown yet."""
    published = [a for a in announcements if a.published_at <= now]
    return (
        [a for a in published if a.archived_at is None],
        [a for a in published if a.archived_at is not None],
    )


# The banner folds every unread notice but the newest behind "và N thông báo khác": N counts
# up to this many (a person with more reads them on the contests' pages).
BANNER_MAX = 20


def announcements_unread_for(*, user, contest_ids, now: datetime.datetime | None = None):
    """The banner of a signed-in person: the published, unarchived announcements of the
    contests `contest_ids` (a queryset of ids: the contests the person is registered in, which
    participants knows) that they have not marked read, newest first, with the contest's slug
    and title. One query."""
    now = now or timezone.now()
    return list(
        Announcement.objects.filter(
            contest_id__in=contest_ids,
            contest__status__in=PUBLIC_STATUSES,
            archived_at__isnull=True,
            published_at__lte=now,
        )
        .exclude(reads__user=user)
        .select_related("contest")
        .only("id", "kind", "title", "published_at", "contest__slug", "contest__title")
        .order_by("-published_at", "-id")[:BANNER_MAX]
    )


def contest_page(*, slug: str) -> ContestPage | None:
    """The public page of a contest (None for a draft or an unknown slug): the contest with
    its owner and participation root, milestones, rounds, prize structures with tiers, blocks
    (children of the participation root), questions per test and announcements. Eight queries,
    cached PUBLIC_CACHE_SECONDS."""
    key = contest_page_key(slug)
    page = _cache_get(key)
    if page is not None:
        return page
    contest = (
        Contest.objects.select_related("owner_unit", "participation_root")
        .filter(slug=slug, status__in=PUBLIC_STATUSES)
        .first()
    )
    if contest is None:
        return None
    milestones = list(contest.milestones.all())
    rounds = list(contest.rounds.all())
    structures = []
    for structure in (
        PrizeStructure.objects.filter(contest=contest)
        .select_related("unit", "category")
        .prefetch_related(Prefetch("tiers", queryset=PrizeTier.objects.order_by("rank_order")))
        .order_by("unit__path", "id")
    ):
        view = StructureView(structure=structure)
        for tier in structure.tiers.all():
            if tier.kind == PrizeTier.Kind.COLLECTIVE:
                view.collective.append(tier)
            else:
                view.individual.append(tier)
        structures.append(view)
    root = contest.participation_root
    blocks = list(
        Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path")
    )
    # Questions per test: the contest-wide blueprint (rounds may have their own).
    question_count = sum(
        BlueprintItem.objects.filter(contest=contest, round__isnull=True).values_list(
            "count", flat=True
        )
    )
    announcements = list(
        Announcement.objects.filter(contest=contest).order_by("-published_at", "-id")
    )
    page = ContestPage(
        contest, milestones, rounds, structures, blocks, question_count, announcements
    )
    _cache_set(key, page)
    return page


def contests_visible_q(*, user) -> Q | None:
    """Which contests an organiser sees in admin: those owned inside its subtree, and (read
    only) those whose participation tree contains its unit (the city contests it takes part
    in) once they are no longer drafts (`contest_draft_hidden_from`). Q() for everything,
    None for nothing."""
    prefix = path_prefix_for(user=user)
    if prefix is None:
        return None
    if prefix == "":
        return Q()
    steplen = Unit.steplen
    ancestors = [prefix[:i] for i in range(steplen, len(prefix) + 1, steplen)]
    return Q(owner_unit__path__startswith=prefix) | (
        Q(participation_root__path__in=ancestors) & ~Q(status=Contest.Status.DRAFT)
    )


def contest_draft_hidden_from(*, user, contest: Contest) -> bool:
    """A draft stays with its owner side: until it is published, only the organisers whose
    subtree contains its owner unit (and superusers) may learn that it exists, even if their
    unit is inside its participation tree. (`contests_visible_q` says the same in SQL.)"""
    return contest.status == Contest.Status.DRAFT and not contest_owned_by(
        user=user, contest=contest
    )


def contest_owned_by(*, user, contest: Contest) -> bool:
    """Whether the organiser manages `contest` (owner unit inside its subtree)."""
    prefix = path_prefix_for(user=user)
    if prefix is None:
        return False
    return contest.owner_unit.path.startswith(prefix)


def contests_owned_by(*, user):
    """The contests an organiser manages (owner unit inside its subtree)."""
    prefix = path_prefix_for(user=user)
    if prefix is None:
        return Contest.objects.none()
    return Contest.objects.filter(owner_unit__path__startswith=prefix)


def contest_test_preview(
    *, contest: Contest, round: Round | None = None, rng: random.Random | None = None
) -> list[Question]:
    """A test drawn as a real one is (`contests.rules.draw`: the round's own items if it has
    any, else the contest-wide ones, from the drawable questions), with options prefetched.
    Raises ValueError with a Vietnamese message when the bank is short."""
    rng = rng or random.Random()  # noqa: S311  a preview, not a secret
    items = list(BlueprintItem.objects.filter(contest=contest, round=round).select_related("topic"))
    if round is not None and not items:
        items = list(
            BlueprintItem.objects.filter(contest=contest, round__isnull=True).select_related(
                "topic"
            )
        )
    pool: dict[int, list[tuple[int, str]]] = {}
    for question_id, topic_id, difficulty in questions_drawable(contest=contest).values_list(
        "id", "topic_id", "difficulty"
    ):
        pool.setdefault(topic_id, []).append((question_id, difficulty))
    chosen = draw(
        items=[DrawItem(i.topic_id, i.difficulty, i.count, str(i.topic)) for i in items],
        pool=pool,
        rng=rng,
    )
    if isinstance(chosen, Refusal):
        raise ValueError(chosen.message)
    questions = (
        Question.objects.filter(pk__in=chosen).select_related("topic").prefetch_related("options")
    )
    by_id = {q.pk: q for q in questions}
    return [by_id[q] for q in chosen]


def questions_drawable(*, contest: Contest) -> QuerySet[Question]:
    """The contest's questions a test may contain: active, with 2–6 options and exactly one
    correct option, in the contest's pool (a practice-only question never reaches a counted
    test). The publish check counts these and the draw picks from these, so the two always
    agree."""
    return (
        Question.objects.filter(contest=contest, is_active=True)
        .exclude(pool=Question.Pool.PRACTICE)
        .annotate(
            n_options=Count("options"),
            n_correct=Count("options", filter=Q(options__is_correct=True)),
        )
        .filter(n_options__gte=2, n_options__lte=6, n_correct=1)
    )
