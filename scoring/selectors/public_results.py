"""Public results: the winners list (from the latest published snapshot) and the results
lookup ("Tra cứu kết quả") of one registration.

The winners come from the snapshot's frozen rows only (names as consented at publication:
`scoring.rules.public_name`), so they never change under readers; a snapshot is immutable, so
its board is cached by (contest, version) for a day, and which version is the latest for a
minute. A round's winners (a week's prizes) are its own snapshots' (`round_winners`, cached
the same way per round); `published_rounds` are the rounds with published results (the
contest page's winners of each past week), `last_published_round` the last of them.

The lookup's ranks are the published ones: ranked once at publication (scoring.models.
PublishedRank, overall, in the district, in the age group, with the totals on the snapshot),
read by primary key with the two neighbours by overall rank, so a lookup costs the same at
any contest size and what a citizen sees does not change under them until a new version.
The prize is the snapshot's. The lookup opens once a snapshot exists (results published,
provisional or final); before that, rankings still move and nothing is shown. A person
disqualified or excluded after publication is shown unranked at once."""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext as _

from contests.models import Contest, ExcludedPerson, Round, Unit
from participants.models import Registration
from participants.rules.age_groups import age_group_label
from participants.selectors import contest_age_groups
from scoring.lookup import neighbours_explained, published_chain
from scoring.models import Disqualification, PublishedRank, Result, ResultsSnapshot
from scoring.rules import ranking
from scoring.rules.public_name import public_name

LATEST_SECONDS = 60
BOARD_SECONDS = 24 * 3600


def _latest_key(contest_id: int, round_id: int | None = None) -> str:
    if round_id is None:
        return f"scoring:public:winners:latest:v1:{contest_id}"
    return f"scoring:public:winners:latest:v1:{contest_id}:round:{round_id}"


def _board_key(contest_id: int, version: int, round_id: int | None = None) -> str:
    if round_id is None:
        return f"scoring:public:winners:board:v3:{contest_id}:{version}"
    return f"scoring:public:winners:board:v3:{contest_id}:round:{round_id}:{version}"


def _published_rounds_key(contest_id: int) -> str:
    return f"scoring:public:winners:rounds:v1:{contest_id}"


def score_text(score) -> str:
    """ "100.00" → "100", "92.50" → "92,5" (Vietnamese decimal comma)."""
    try:
        value = Decimal(str(score))
    except (InvalidOperation, ValueError):
        return ""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def duration_text(ms: int | None) -> str:
    """ "1 phút 40 giây", "1 phút 35,5 giây", "4 phút 5,25 giây", "12,345 giây": to the
    millisecond, as the ranking compares durations, but with no trailing zeros: a reader takes
    "40,000 giây" for forty thousand seconds (the comma is the decimal mark, the dot groups
    thousands). No "0 phút" under a minute."""
    if ms is None:
        return ""
    seconds, millis = divmod(int(ms), 1000)
    minutes, seconds = divmod(seconds, 60)
    fraction = f"{millis:03d}".rstrip("0")
    secs = f"{seconds},{fraction}" if fraction else str(seconds)
    if minutes:
        return _("%(m)d phút %(s)s giây") % {"m": minutes, "s": secs}
    return _("%(s)s giây") % {"s": secs}


def _rate_text(participants: int | None, headcount: int | None) -> str:
    if not participants or not headcount:
        return ""
    percent = Fraction(participants * 100, headcount)
    return score_text(round(Decimal(percent.numerator) / Decimal(percent.denominator), 1)) + " %"


@dataclass
class WinnersBoard:
    contest_id: int
    version: int
    published_at: datetime.datetime
    provisional_until: datetime.datetime | None
    # [{"title", "unit_scope", "individual": [...], "collective": [...]}] in snapshot order.
    structures: list[dict] = field(default_factory=list)
    # registration id -> [(structure title, tier name)]: the lookup's prize.
    prizes_by_registration: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    # The lookup's: the snapshot's primary key and its rank totals (None: published before
    # ranks were frozen with snapshots).
    snapshot_id: int | None = None
    rank_totals: dict | None = None
    # A round's board: the round's id, number and title (None/"" for the overall results).
    round_id: int | None = None
    round_number: int | None = None
    round_title: str = ""

    @property
    def replaces(self) -> int | None:
        return self.version - 1 if self.version > 1 else None


def _individual(row: dict) -> dict:
    return {
        "tier": row["tier"],
        # Snapshots published before public_name existed: winner_name is the full name with
        # consent, else "Người dự thi #id", both fit to publish.
        "name": row.get("public_name") or row["winner_name"],
        "unit_name": row["unit_name"],
        "score": score_text(row.get("score", "")),
        "correct_count": row.get("correct_count"),
        "duration": duration_text(row.get("duration_ms")),
        # An essay/combined prize: the final essay mark ("" otherwise); `combined` when the
        # score is the combined score (basis combined), shown beside the mark.
        "essay_mark": score_text(row["essay_mark"]) if row.get("essay_mark") else "",
        "combined": row.get("basis") == "combined",
    }


def _collective(row: dict) -> dict:
    return {
        "tier": row["tier"],
        "unit_name": row["unit_name"],
        "participants": row.get("participants"),
        "headcount": row.get("headcount"),
        "rate": _rate_text(row.get("participants"), row.get("headcount")),
    }


def winners_board_build(snapshot: ResultsSnapshot) -> WinnersBoard:
    board = WinnersBoard(
        contest_id=snapshot.contest_id,
        version=snapshot.version,
        published_at=snapshot.published_at,
        provisional_until=getattr(snapshot, "provisional_until", None),
        snapshot_id=snapshot.pk,
        rank_totals=snapshot.rank_totals,
        round_id=snapshot.round_id,
        round_number=snapshot.round.number if snapshot.round_id else None,
        round_title=snapshot.round.title if snapshot.round_id else "",
    )
    by_structure: dict[object, dict] = {}
    for row in snapshot.prizes:
        key = row.get("structure_id") or row["structure"]
        structure = by_structure.get(key)
        if structure is None:
            structure = by_structure[key] = {
                "title": row["structure"],
                "unit_scope": row.get("unit_scope", ""),
                "individual": [],
                "collective": [],
            }
            board.structures.append(structure)
        if row["kind"] == "collective":
            structure["collective"].append(_collective(row))
        else:
            structure["individual"].append(_individual(row))
            if row.get("registration_id") is not None:
                board.prizes_by_registration.setdefault(row["registration_id"], []).append(
                    (row["structure"], row["tier"])
                )
    return board


def _cache_get(key: str):
    # The cache is an optimisation: Redis down means a query, not an error page.
    with contextlib.suppress(Exception):
        return cache.get(key)
    return None


def _cache_set(key: str, value, timeout: int) -> None:
    with contextlib.suppress(Exception):
        cache.set(key, value, timeout=timeout)


def _board(*, contest: Contest, round_id: int | None) -> WinnersBoard | None:
    latest_key = _latest_key(contest.pk, round_id)
    version = _cache_get(latest_key)
    if version == 0:
        return None
    snapshots = ResultsSnapshot.objects.filter(contest=contest, round_id=round_id).select_related(
        "round"
    )
    if version is not None:
        board = _cache_get(_board_key(contest.pk, version, round_id))
        if board is not None:
            return board
        snapshot = snapshots.filter(version=version).first()
    else:
        snapshot = snapshots.order_by("-version").first()
    if snapshot is None:
        _cache_set(latest_key, 0, LATEST_SECONDS)
        return None
    board = winners_board_build(snapshot)
    _cache_set(_board_key(contest.pk, snapshot.version, round_id), board, BOARD_SECONDS)
    _cache_set(latest_key, snapshot.version, LATEST_SECONDS)
    return board


def winners_board(*, contest: Contest) -> WinnersBoard | None:
    """The latest published version of the contest's overall winners, or None before any
    publication. Warm: no query (the latest version's number is cached a minute, its board a
    day)."""
    return _board(contest=contest, round_id=None)


def round_winners(*, contest: Contest, round: Round) -> WinnersBoard | None:  # noqa: A002
    """The latest published version of one round's winners (`board.round_title` names the
    round), or None before its results are published. Cached as `winners_board`."""
    return _board(contest=contest, round_id=round.pk)


def published_rounds(*, contest: Contest) -> list[Round]:
    """The rounds whose results are published, by number (the contest page's winners of past
    weeks). One query, cached a minute (cleared by a round's publication)."""
    key = _published_rounds_key(contest.pk)
    found = _cache_get(key)
    if found is not None:
        return found
    found = list(
        Round.objects.filter(contest=contest, snapshots__isnull=False).distinct().order_by("number")
    )
    _cache_set(key, found, LATEST_SECONDS)
    return found


def last_published_round(*, contest: Contest) -> Round | None:
    """The last round (by number) whose results are published, or None (`published_rounds`)."""
    rounds = published_rounds(contest=contest)
    return rounds[-1] if rounds else None


def winners_cache_clear(*, contest_id: int, round_id: int | None = None) -> None:
    """After a publication (of the overall results, or of a round): readers see the new
    version at once, not within the minute the latest version's number is cached."""
    keys = [_latest_key(contest_id, round_id)]
    if round_id is not None:
        keys.append(_published_rounds_key(contest_id))
    with contextlib.suppress(Exception):
        cache.delete_many(keys)


# --- The lookup ----------------------------------------------------------------------------


@dataclass
class Standing:
    """One person's place: `rank` among `total`, in a scope named `scope`."""

    scope: str
    rank: int
    total: int


@dataclass
class Lookup:
    contest: Contest
    name: str
    unit_name: str
    has_result: bool = False
    ranked: bool = False
    score: str = ""
    correct_count: int | None = None
    question_count: int | None = None
    duration: str = ""
    standings: list[Standing] = field(default_factory=list)
    prizes: list[tuple[str, str]] = field(default_factory=list)
    why_above: str = ""
    why_below: str = ""
    # The order the place was published by (ranking.rule_lines of the snapshot's chain).
    chain_lines: list[str] = field(default_factory=list)


def district_of(unit: Unit, *, block_id: int | None) -> Unit | None:
    """The person's district for the lookup: the nearest unit of kind district on the way up
    from their unit (itself included); where there is none (departments, or provinces with
    communes only after 2025), the child of their block that contains their unit. None when
    the unit is the block itself or above it. One query."""
    line = Unit.objects.filter(path__in=_prefixes(unit.path))
    return _district_in_line(sorted(line, key=lambda u: u.depth), block_id=block_id)


def _prefixes(path: str) -> list[str]:
    step = Unit.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def _district_in_line(line: list[Unit], *, block_id: int | None) -> Unit | None:
    """`district_of` on the unit's line (its ancestors and itself, root first)."""
    districts = [u for u in line if u.kind == Unit.Kind.DISTRICT]
    if districts:
        return districts[-1]
    for position, ancestor in enumerate(line):
        if ancestor.pk == block_id and position + 1 < len(line):
            return line[position + 1]
    return None


def districts_of(pairs: set[tuple[int, int | None]]) -> dict[tuple[int, int | None], int]:
    """`district_of` for many (unit id, block id) pairs at once, as {pair: district unit id}
    (pairs without a district left out): for the ranks frozen at publication. The units and
    their lines are read in a few queries (a contest's units are thousands, not millions)."""
    units: dict[int, Unit] = {}
    unit_ids = sorted({unit_id for unit_id, _block in pairs})
    for start in range(0, len(unit_ids), 500):
        units.update(Unit.objects.in_bulk(unit_ids[start : start + 500]))
    prefixes = sorted({p for unit in units.values() for p in _prefixes(unit.path)})
    by_path: dict[str, Unit] = {}
    for start in range(0, len(prefixes), 500):
        for unit in Unit.objects.filter(path__in=prefixes[start : start + 500]):
            by_path[unit.path] = unit
    found = {}
    for unit_id, block_id in pairs:
        unit = units.get(unit_id)
        if unit is None:
            continue
        line = [by_path[p] for p in _prefixes(unit.path) if p in by_path]
        district = _district_in_line(line, block_id=block_id)
        if district is not None:
            found[(unit_id, block_id)] = district.pk
    return found


def _set_apart(registration: Registration) -> bool:
    """Disqualified (in force) or excluded now, whatever was published: one query."""
    disqualified = Disqualification.objects.filter(
        registration=OuterRef("pk"), contest_id=OuterRef("contest_id"), revoked_at__isnull=True
    )
    excluded = ExcludedPerson.objects.filter(
        contest_id=OuterRef("contest_id"), document_number=OuterRef("document_number")
    )
    return (
        Registration.objects.filter(pk=registration.pk)
        .filter(Exists(disqualified) | Exists(excluded))
        .exists()
    )


def results_lookup(
    *,
    registration: Registration,
    own: bool,
    round: Round | None = None,  # noqa: A002
) -> Lookup | None:
    """What the lookup shows for `registration` (its contest's contest-level result, or its
    result in `round`), or None while those results are not published. `own`: the logged-in
    person themselves, shown by their full name; an anonymous lookup (number + date of birth)
    shows the published form of the name only (`public_name`)."""
    contest = registration.contest
    if round is None:
        board = winners_board(contest=contest)
    else:
        board = round_winners(contest=contest, round=round)
    if board is None:
        return None
    participant = registration.participant
    lookup = Lookup(
        contest=contest,
        name=participant.full_name
        if own
        else public_name(participant.full_name, may_show_name=registration.may_show_name),
        unit_name=registration.unit.name,
        prizes=board.prizes_by_registration.get(registration.pk, []),
    )
    result = (
        Result.objects.filter(registration=registration, round=round)
        .annotate(question_count=F("best_attempt__question_count"))
        .first()
    )
    if result is None:
        return lookup
    lookup.has_result = True
    lookup.score = score_text(result.score)
    lookup.correct_count = result.correct_count
    lookup.question_count = result.question_count
    lookup.duration = duration_text(result.duration_ms)
    if board.rank_totals is None or _set_apart(registration):
        return lookup
    published = (
        PublishedRank.objects.filter(snapshot_id=board.snapshot_id, registration_id=registration.pk)
        .select_related("district")
        .first()
    )
    if published is None:  # not ranked when published (set apart then, or no result yet)
        return lookup
    lookup.ranked = True
    totals = board.rank_totals
    rank = published.overall_rank
    everyone = round.title if round is not None else _("Toàn cuộc thi")
    lookup.standings.append(Standing(scope=everyone, rank=rank, total=totals["overall"]))
    if published.district is not None:
        lookup.standings.append(
            Standing(
                scope=published.district.name,
                rank=published.district_rank,
                total=totals["districts"].get(str(published.district_id), 0),
            )
        )
    groups = contest_age_groups(contest=contest)
    lookup.standings.append(
        Standing(
            scope=str(age_group_label(published.age_group, groups)),
            rank=published.age_rank,
            total=totals["age_groups"].get(published.age_group, 0),
        )
    )
    neighbours = {
        row.overall_rank: row
        for row in PublishedRank.objects.filter(
            snapshot_id=board.snapshot_id, overall_rank__in=[rank - 1, rank + 1]
        )
    }
    chain = published_chain(totals)
    lookup.chain_lines = ranking.rule_lines(chain)
    lookup.why_above, lookup.why_below = neighbours_explained(
        me=published,
        above=neighbours.get(rank - 1),
        below=neighbours.get(rank + 1),
        rank=rank,
        chain=chain,
    )
    return lookup
