"""Public results: the winners list (from the latest published snapshot) and the results
lookup ("Tra cứu kết quả") of one registration.

The winners come from the snapshot's frozen rows only (names as consented at publication:
`scoring.rules.public_name`), so they never change under readers; a snapshot is immutable, so
its board is cached by (contest, version) for a day, and which version is the latest for a
minute. Per-round prizes do not exist yet: the board is the contest's.

The lookup ranks live: rank = 1 + the number of ranked rows ahead (`ranking.ahead_q`, one
COUNT each for the whole contest, the person's district and age group), so no query sorts the
contest. The prize is the snapshot's. The lookup opens once a snapshot exists (results
published, provisional or final); before that, rankings still move and nothing is shown."""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from contests.models import Contest, Unit
from participants.models import Registration
from participants.rules.age_groups import age_group_label
from participants.selectors import contest_age_groups
from scoring.models import Result, ResultsSnapshot
from scoring.rules import ranking
from scoring.rules.public_name import public_name
from scoring.selectors.results import disqualified_ids, excluded_ids

LATEST_SECONDS = 60
BOARD_SECONDS = 24 * 3600


def _latest_key(contest_id: int) -> str:
    return f"scoring:public:winners:latest:v1:{contest_id}"


def _board_key(contest_id: int, version: int) -> str:
    return f"scoring:public:winners:board:v1:{contest_id}:{version}"


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
    """ "4 phút 05,250 giây": to the millisecond, as the ranking compares durations."""
    if ms is None:
        return ""
    seconds, millis = divmod(int(ms), 1000)
    minutes, seconds = divmod(seconds, 60)
    return _("%(m)d phút %(s)02d,%(ms)03d giây") % {"m": minutes, "s": seconds, "ms": millis}


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


def winners_board(*, contest: Contest) -> WinnersBoard | None:
    """The latest published version's winners, or None before any publication. Warm: no
    query (the latest version's number is cached a minute, its board a day)."""
    version = _cache_get(_latest_key(contest.pk))
    if version == 0:
        return None
    if version is not None:
        board = _cache_get(_board_key(contest.pk, version))
        if board is not None:
            return board
        snapshot = ResultsSnapshot.objects.filter(contest=contest, version=version).first()
    else:
        snapshot = ResultsSnapshot.objects.filter(contest=contest).order_by("-version").first()
    if snapshot is None:
        _cache_set(_latest_key(contest.pk), 0, LATEST_SECONDS)
        return None
    board = winners_board_build(snapshot)
    _cache_set(_board_key(contest.pk, snapshot.version), board, BOARD_SECONDS)
    _cache_set(_latest_key(contest.pk), snapshot.version, LATEST_SECONDS)
    return board


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


def district_of(unit: Unit, *, block_id: int | None) -> Unit | None:
    """The person's district for the lookup: the nearest unit of kind district on the way up
    from their unit (itself included); where there is none (departments, or provinces with
    communes only after 2025), the child of their block that contains their unit. None when
    the unit is the block itself or above it. One query."""
    step = Unit.steplen
    prefixes = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
    line = sorted(Unit.objects.filter(path__in=prefixes), key=lambda u: u.depth)
    districts = [u for u in line if u.kind == Unit.Kind.DISTRICT]
    if districts:
        return districts[-1]
    for position, ancestor in enumerate(line):
        if ancestor.pk == block_id and position + 1 < len(line):
            return line[position + 1]
    return None


def _row(result: Result) -> ranking.RankRow:
    return ranking.RankRow(
        registration_id=result.registration_id,
        correct_count=result.correct_count,
        prediction_error=result.prediction_error,
        duration_ms=result.duration_ms,
        finished_at=result.finished_at,
    )


def results_lookup(*, registration: Registration, own: bool) -> Lookup | None:
    """What the lookup shows for `registration` (its contest's contest-level result), or None
    while no results are published. `own`: the logged-in person themselves, shown by their
    full name; an anonymous lookup (number + date of birth) shows the published form of the
    name only (`public_name`)."""
    contest = registration.contest
    board = winners_board(contest=contest)
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
        Result.objects.filter(registration=registration, round=None)
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
    apart = disqualified_ids(contest=contest) | excluded_ids(contest=contest)
    if registration.pk in apart:
        return lookup
    lookup.ranked = True
    ranked = Result.objects.filter(contest=contest, round=None)
    if apart:
        ranked = ranked.exclude(registration_id__in=apart)
    me = _row(result)
    ahead = ranking.ahead_q(me)
    district = district_of(registration.unit, block_id=registration.block_id)
    in_district = (
        Q(registration__unit__path__startswith=district.path) if district else Q(pk__in=[])
    )
    in_age = Q(registration__age_group=registration.age_group)
    counts = ranked.aggregate(
        total=Count("pk"),
        ahead=Count("pk", filter=ahead),
        district_total=Count("pk", filter=in_district),
        district_ahead=Count("pk", filter=in_district & ahead),
        age_total=Count("pk", filter=in_age),
        age_ahead=Count("pk", filter=in_age & ahead),
    )
    lookup.standings.append(
        Standing(scope=_("Toàn cuộc thi"), rank=counts["ahead"] + 1, total=counts["total"])
    )
    if district is not None:
        lookup.standings.append(
            Standing(
                scope=district.name,
                rank=counts["district_ahead"] + 1,
                total=counts["district_total"],
            )
        )
    groups = contest_age_groups(contest=contest)
    lookup.standings.append(
        Standing(
            scope=str(age_group_label(registration.age_group, groups)),
            rank=counts["age_ahead"] + 1,
            total=counts["age_total"],
        )
    )
    order = ranking.order_by()
    above = ranked.filter(ahead).order_by(*order).reverse().first()
    below = ranked.exclude(ahead).exclude(pk=result.pk).order_by(*order).first()
    rank = counts["ahead"] + 1
    labels = {registration.pk: _("bạn")}
    if above is not None:
        labels[above.registration_id] = _("người dự thi hạng %(n)s") % {"n": rank - 1}
        lookup.why_above = ranking.explain(_row(above), me, labels=labels)
    if below is not None:
        labels[below.registration_id] = _("người dự thi hạng %(n)s") % {"n": rank + 1}
        lookup.why_below = ranking.explain(me, _row(below), labels=labels)
    return lookup
