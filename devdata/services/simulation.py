"""Synthetic but realistic contests, for tests, demos and benchmarks (`manage.py
simulate_contest`).

The unit tree is shaped like Hà Nội's in the 2023 e-ID contest (seed 000): a city, a block of
departments (Sở GD&ĐT, Công an TP, Sở Y tế, … with the report's relative sizes) and a block
of 30 districts (Hoài Đức, Đông Anh, Cầu Giấy, … with the report's relative sizes), each with
wards. People have consistent identity fields (a CCCD whose century/gender digit and birth
year agree with the date of birth and gender; unique phones), ages on both sides of 18 (about
10 % aged 14–17, as in the report), one registration each; N of them have between one and
several graded attempts (M in all), and a Result row for their best attempt.

Rows are written in bulk: PostgreSQL COPY (psycopg2 `copy_expert`) on PostgreSQL, batched
`executemany` elsewhere; ids are assigned here, sequences are reset at the end. Everything is
generated in chunks of people, so memory stays flat at any size. What was generated is
returned with the figures the roll-ups must reproduce."""

from __future__ import annotations

import bisect
import datetime
import io
import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from contests.models import BlueprintItem, Contest, Option, Question, Topic, Unit
from devdata.services.splits import (
    SEED_000,
    Splits,
    apportion,
    exact_draws,
    splits_check,
    splits_load,
)
from participants.identity import identity_key, name_key
from participants.models import Participant, Registration
from participants.selectors import contest_age_groups
from scoring.models import Attempt, Result
from scoring.rules import best_attempt
from scoring.services.grading import RESULT_FIELDS, answer_key_load, attempt_grade_values

VN = datetime.timezone(datetime.timedelta(hours=7))
CHUNK = 50_000

# Seed 000 (devdata/data/seed_000_hanoi_2023.json): each block's largest units and their
# participants, the tree's relative sizes.
_HANOI = splits_load(SEED_000)
DEPT_BLOCK, DIST_BLOCK = list(_HANOI.blocks)
DEPARTMENTS = list(_HANOI.blocks[DEPT_BLOCK].top_units.items())
OTHER_DEPARTMENTS = 60  # the rest of the block's 58.462, each smaller than Sở VH&TT
DISTRICTS = list(_HANOI.blocks[DIST_BLOCK].top_units.items())
OTHER_DISTRICTS = [
    "Quận Ba Đình",
    "Quận Đống Đa",
    "Quận Hai Bà Trưng",
    "Quận Long Biên",
    "Quận Nam Từ Liêm",
    "Quận Hà Đông",
    "Huyện Sóc Sơn",
    "Huyện Gia Lâm",
    "Huyện Thanh Trì",
    "Huyện Mê Linh",
    "Huyện Ba Vì",
    "Huyện Phúc Thọ",
    "Huyện Đan Phượng",
    "Huyện Quốc Oai",
    "Huyện Thạch Thất",
    "Huyện Chương Mỹ",
    "Huyện Thanh Oai",
    "Huyện Thường Tín",
    "Huyện Phú Xuyên",
    "Huyện Mỹ Đức",
]
# Seed 000's shares of its age groups, when no split is asked for.
AGE_SHARES = {g: group.participants for g, group in _HANOI.age_groups.items()}
OLDEST = 66  # ages drawn for an open-ended group stop below this
# CCCD province codes (IDENTITY.md) other than 001, so that generated numbers never collide
# with the test factories' "001…" numbers.
PROVINCES = (  # noqa: SIM905
    "002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 "
    "036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 "
    "072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096"
).split()
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Công", "Xuân"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Kim", "Hồng"]
GIVEN_M = [
    "An",
    "Bình",
    "Dũng",
    "Hải",
    "Hùng",
    "Long",
    "Minh",
    "Nam",
    "Quân",
    "Sơn",
    "Tuấn",
    "Việt",
    "Khánh",
    "Phúc",
    "Trung",
]
GIVEN_F = [
    "Anh",
    "Chi",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Phương",
    "Thảo",
    "Trang",
    "Yến",
    "Vy",
]


@dataclass
class _Leaf:
    id: int
    code: str
    block_id: int
    top_id: int  # the first level below the block (department or district)
    weight: float
    block_name: str = ""
    top_name: str = ""


@dataclass
class _Expected:
    registrants: int = 0
    participants: int = 0
    attempts: int = 0
    perfect_attempts: int = 0
    by_block: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))
    by_age: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))
    by_top: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))


# --- The unit tree ------------------------------------------------------------------------


def _tree_create(prefix: str, people: int, rng: random.Random) -> Unit:
    """Create the city tree with computed materialised paths in one bulk insert per level."""
    last_root = Unit.objects.filter(depth=1).order_by("-path").first()
    step = Unit._str2int(last_root.path[: Unit.steplen]) + 1 if last_root else 1
    root_path = Unit._get_path(None, 1, step)
    nodes: list[dict] = []

    def add(path, depth, code, name, kind, headcount=None, weight=0.0):
        node = {
            "path": path,
            "depth": depth,
            "code": code,
            "name": name,
            "kind": kind,
            "headcount": headcount,
            "weight": weight,
            "children": [],
        }
        nodes.append(node)
        return node

    K = Unit.Kind
    city = add(root_path, 1, f"{prefix}-TP", "Thành phố Hà Nội", K.PROVINCE)
    total = _HANOI.participants
    dept_block = add(Unit._get_path(root_path, 2, 1), 2, f"{prefix}-KS", DEPT_BLOCK, K.BLOCK)
    dist_block = add(Unit._get_path(root_path, 2, 2), 2, f"{prefix}-KQ", DIST_BLOCK, K.BLOCK)
    city["children"] = [dept_block, dist_block]
    departments = list(DEPARTMENTS)
    for k in range(OTHER_DEPARTMENTS):
        departments.append(
            (f"Sở, ban, ngành khác {k + 1:02d}", 790 - k * 390 / (OTHER_DEPARTMENTS - 1))
        )
    for i, (name, weight) in enumerate(departments, start=1):
        # Children ordered by code (the tree's node_order_by), so codes follow the paths.
        node = add(
            Unit._get_path(dept_block["path"], 3, i),
            3,
            f"{prefix}-S{i:03d}",
            name,
            K.DEPARTMENT,
            weight=weight / total,
        )
        dept_block["children"].append(node)
    districts = list(DISTRICTS)
    remainder = len(OTHER_DISTRICTS)
    for k, name in enumerate(OTHER_DISTRICTS):
        districts.append((name, 28000 - k * (28000 - 2668) / (remainder - 1)))
    biggest = max(w for _n, w in districts)
    for i, (name, weight) in enumerate(districts, start=1):
        district = add(
            Unit._get_path(dist_block["path"], 3, i), 3, f"{prefix}-Q{i:02d}", name, K.DISTRICT
        )
        dist_block["children"].append(district)
        wards = 8 + int(12 * weight / biggest)
        shares = [rng.uniform(0.5, 1.5) for _ in range(wards)]
        total_share = sum(shares)
        label = "Phường" if name.startswith("Quận") else "Xã"
        short = name.split(" ", 1)[1]
        for j, share in enumerate(shares, start=1):
            ward = add(
                Unit._get_path(district["path"], 4, j),
                4,
                f"{prefix}-Q{i:02d}-{j:02d}",
                f"{label} {j:02d} – {short}",
                K.WARD,
                weight=weight * share / total_share / total,
            )
            district["children"].append(ward)

    # Headcounts: leaves get their expected people × 1.8–2.2 (rates near 50 %; people are
    # drawn by headcount, so the seed's relative sizes hold), parents the sum of their children.
    def headcount(node):
        if not node["children"]:
            node["headcount"] = max(1, int(node["weight"] * people * rng.uniform(1.8, 2.2)))
        else:
            node["headcount"] = sum(headcount(child) for child in node["children"])
        return node["headcount"]

    headcount(city)
    Unit.objects.bulk_create(
        [
            Unit(
                path=n["path"],
                depth=n["depth"],
                numchild=len(n["children"]),
                code=n["code"],
                name=n["name"],
                kind=n["kind"],
                headcount=n["headcount"],
            )
            for n in nodes
        ],
        batch_size=1000,
    )
    return Unit.objects.get(path=root_path)


def _leaves(root: Unit) -> list[_Leaf]:
    """Leaves of the participation tree with their sampling weights (headcount, or 1)."""
    units = list(
        Unit.objects.filter(path__startswith=root.path).values(
            "id", "code", "name", "path", "depth", "numchild", "headcount"
        )
    )
    by_path = {u["path"]: u for u in units}
    step = Unit.steplen
    leaves = []
    for u in units:
        if u["numchild"] or u["depth"] <= root.depth:
            continue
        block = by_path[u["path"][: len(root.path) + step]]
        top = by_path.get(u["path"][: len(root.path) + 2 * step], block)
        leaves.append(
            _Leaf(
                id=u["id"],
                code=u["code"],
                block_id=block["id"],
                top_id=top["id"],
                weight=float(u["headcount"] or 1),
                block_name=block["name"],
                top_name=top["name"],
            )
        )
    return leaves


def _sums(leaves: list[int], key, all_leaves: list[_Leaf]) -> dict:
    out: dict = {}
    for i in leaves:
        out[key(all_leaves[i])] = out.get(key(all_leaves[i]), 0.0) + all_leaves[i].weight
    return out


def _leaf_lists(leaves: list[_Leaf], splits: Splits, rng: random.Random) -> tuple[list, list]:
    """The leaf (index) of every participant and of every other registrant, in random order.
    Participants per block and per named top unit are exactly the splits' (when given), the
    rest in proportion to the leaves' headcounts; other registrants likewise per block."""
    everyone = list(range(len(leaves)))
    block_weights = _sums(everyone, lambda leaf: leaf.block_name, leaves)
    registrants = splits.participants if splits.registrants is None else splits.registrants
    unknown = sorted(set(splits.blocks) - set(block_weights))
    if unknown:
        raise ValueError(f"Cây đơn vị không có khối: {', '.join(unknown)}.")
    if splits.blocks:
        block_part = {
            b: splits.blocks[b].participants if b in splits.blocks else 0 for b in block_weights
        }
    else:
        block_part = apportion(splits.participants, block_weights)
    if splits.blocks and all(g.registrants is not None for g in splits.blocks.values()):
        block_other = {
            b: (splits.blocks[b].registrants - block_part[b]) if b in splits.blocks else 0
            for b in block_weights
        }
    else:
        block_other = apportion(registrants - splits.participants, block_weights)
    participants, others = [], []
    for block, in_block in _by(everyone, lambda i: leaves[i].block_name).items():
        tops = _sums(in_block, lambda leaf: leaf.top_name, leaves)
        named = splits.blocks[block].top_units if block in splits.blocks else {}
        unknown = sorted(set(named) - set(tops))
        if unknown:
            raise ValueError(f"Khối {block} không có đơn vị: {', '.join(unknown)}.")
        per_top = apportion(block_part[block], tops, exact=named)
        for top, in_top in _by(in_block, lambda i: leaves[i].top_name).items():
            for i, n in apportion(per_top[top], {i: leaves[i].weight for i in in_top}).items():
                participants.extend([i] * n)
        for i, n in apportion(block_other[block], {i: leaves[i].weight for i in in_block}).items():
            others.extend([i] * n)
    rng.shuffle(participants)
    rng.shuffle(others)
    return participants, others


def _by(indices: list[int], key) -> dict:
    out: dict = {}
    for i in indices:
        out.setdefault(key(i), []).append(i)
    return out


def _age_counts(splits: Splits, keys: list[str]) -> tuple[dict, dict]:
    """How many participants, and other registrants, fall in each of the contest's age groups
    (`keys`): the splits', or seed 000's shares when the contest has its groups, or even."""
    registrants = splits.participants if splits.registrants is None else splits.registrants
    groups = splits.age_groups
    unknown = sorted(set(groups) - set(keys))
    if unknown:
        raise ValueError(f"Cuộc thi không có nhóm tuổi: {', '.join(unknown)}.")
    shares = AGE_SHARES if set(AGE_SHARES) == set(keys) else dict.fromkeys(keys, 1)
    if groups:
        participants = {g: group.participants for g, group in groups.items()}
    else:
        participants = apportion(splits.participants, shares)
    if groups and all(group.registrants is not None for group in groups.values()):
        others = {g: group.registrants - group.participants for g, group in groups.items()}
    else:
        others = apportion(registrants - splits.participants, shares)
    return participants, others


# --- Writers ------------------------------------------------------------------------------


class _Writer:
    """Buffers rows per table and writes them with COPY (PostgreSQL) or executemany."""

    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.buffers: dict[str, list] = defaultdict(list)
        self.columns: dict[str, list[str]] = {}

    def table(self, model, known: list[str], overrides: dict | None = None) -> tuple[str, tuple]:
        """Register a model's table: the known columns (given per row) and constant values for
        every other concrete column (their defaults), so that a field added to the model later
        does not break the simulator."""
        table = model._meta.db_table
        extra_cols, extra_vals = [], []
        for f in model._meta.concrete_fields:
            if f.column in known or f.primary_key:
                continue
            if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
                value = _ts_now(self.pg)
            elif overrides and f.column in overrides:
                value = overrides[f.column]
            elif isinstance(f, models.JSONField):
                value = json.dumps(f.get_default())
            else:
                value = f.get_db_prep_save(f.get_default(), connection)
            extra_cols.append(f.column)
            extra_vals.append(value)
        self.columns[table] = [*known, *extra_cols]
        return table, tuple(extra_vals)

    def add(self, table: str, row: tuple):
        self.buffers[table].append(row)

    def flush(self):
        for table, rows in self.buffers.items():
            if not rows:
                continue
            cols = self.columns[table]
            with connection.cursor() as cursor:
                if self.pg:
                    buf = io.StringIO()
                    buf.writelines(_copy_line(row) for row in rows)
                    buf.seek(0)
                    cols_sql = ", ".join(f'"{c}"' for c in cols)
                    cursor.cursor.copy_expert(f'COPY "{table}" ({cols_sql}) FROM STDIN', buf)
                else:
                    marks = ", ".join(["%s"] * len(cols))
                    cols_sql = ", ".join(f'"{c}"' for c in cols)
                    cursor.executemany(f'INSERT INTO "{table}" ({cols_sql}) VALUES ({marks})', rows)  # noqa: S608
            rows.clear()


def _copy_line(row: tuple) -> str:
    return (
        "\t".join(
            "\\N" if v is None else ("t" if v is True else "f" if v is False else str(v))
            for v in row
        )
        + "\n"
    )


def _ts_now(pg: bool) -> str:
    return _ts(int(timezone.now().timestamp()), pg)


def _ts(epoch: int, pg: bool) -> str:
    d = datetime.datetime.fromtimestamp(epoch, datetime.UTC)
    return d.strftime("%Y-%m-%d %H:%M:%S") + ("+00" if pg else "")


class _Clock:
    """Fast UTC timestamp strings for epoch seconds (the day prefix is cached)."""

    def __init__(self, pg: bool):
        self.suffix = "+00" if pg else ""
        self.days: dict[int, str] = {}

    def __call__(self, epoch: int) -> str:
        day, rem = divmod(epoch, 86400)
        prefix = self.days.get(day)
        if prefix is None:
            prefix = datetime.datetime.fromtimestamp(day * 86400, datetime.UTC).strftime("%Y-%m-%d")
            self.days[day] = prefix
        h, rem = divmod(rem, 3600)
        m, s = divmod(rem, 60)
        return f"{prefix} {h:02d}:{m:02d}:{s:02d}{self.suffix}"


class _LocalDay:
    """ISO date in settings.TIME_ZONE of an epoch (the roll-ups' day of an attempt), cached
    per UTC hour when the zone's offset is a whole number of hours there."""

    def __init__(self):
        self.zone = timezone.get_default_timezone()
        self.hours: dict[int, str] = {}

    def __call__(self, epoch: int) -> str:
        hour = epoch // 3600
        day = self.hours.get(hour)
        if day is None:
            local = datetime.datetime.fromtimestamp(hour * 3600, self.zone)
            if local.utcoffset() % datetime.timedelta(hours=1):
                return datetime.datetime.fromtimestamp(epoch, self.zone).date().isoformat()
            day = self.hours[hour] = local.date().isoformat()
        return day


def _activity_columns(per_day: dict[str, list[int]], pg: bool) -> tuple[str, str, str]:
    """A Result's days, attempts per day and perfect attempts per day (sorted by day), as
    PostgreSQL array literals for COPY, JSON text elsewhere (`scoring.models.fields`)."""
    days = sorted(per_day)
    attempts = [per_day[d][0] for d in days]
    perfect = [per_day[d][1] for d in days]
    if pg:
        return (
            "{" + ",".join(days) + "}",
            "{" + ",".join(map(str, attempts)) + "}",
            "{" + ",".join(map(str, perfect)) + "}",
        )
    return json.dumps(days), json.dumps(attempts), json.dumps(perfect)


def _skip_fk_checks_if_allowed() -> None:
    """On PostgreSQL, as a superuser, skip the foreign-key triggers for this transaction: the
    rows are consistent by construction, and Django's deferred FK checks would otherwise run
    tens of millions of look-ups at COMMIT (minutes at 7.5 M attempts). Elsewhere, or without
    the right, the checks run as usual."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def _next_id(model) -> int:
    return (model.objects.aggregate(m=models.Max("id"))["m"] or 0) + 1


def _cccd(pid: int, dob: datetime.date, female: bool) -> str:
    """Province (by id range) + century/gender digit + year + 6 digits from the id: unique
    for every id below 62 million, and consistent with the date of birth and gender."""
    province = PROVINCES[(pid // 1_000_000) % len(PROVINCES)]
    century = 0 if dob.year < 2000 else 2
    return f"{province}{century + int(female)}{dob.year % 100:02d}{pid % 1_000_000:06d}"


def _age_on(dob: datetime.date, ref: datetime.date) -> int:
    return ref.year - dob.year - ((ref.month, ref.day) < (dob.month, dob.day))


# --- The simulation -----------------------------------------------------------------------


def _contest_ensure(slug: str, people: int, questions: int, rng: random.Random) -> Contest:
    contest = Contest.objects.filter(slug=slug).select_related("participation_root").first()
    if contest is not None:
        return contest
    prefix = slug[:24].upper()
    root = _tree_create(prefix, people, rng)
    opens = datetime.datetime(2023, 8, 1, 0, 0, tzinfo=VN)
    closes = datetime.datetime(2023, 9, 2, 0, 0, tzinfo=VN)  # "24 giờ ngày 1/9/2023"
    contest = Contest.objects.create(
        owner_unit=root,
        participation_root=root,
        slug=slug,
        title="Cuộc thi trực tuyến “Tìm hiểu pháp luật về định danh điện tử và dịch vụ công "
        "trực tuyến” (mô phỏng)",
        opens_at=opens,
        closes_at=closes,
        attempts_allowed=0,
        time_limit_minutes=20,
        shuffle_options=False,
        prediction_text="Có bao nhiêu người trả lời đúng tất cả các câu hỏi?",
        status=Contest.Status.CLOSED,
    )
    topic = Topic.objects.create(contest=contest, name="Định danh điện tử")
    for q in range(1, questions + 1):
        question = Question.objects.create(
            contest=contest,
            topic=topic,
            text=f"Câu hỏi mô phỏng số {q}?",
            legal_reference="Nghị định 59/2022/NĐ-CP",
            used=True,
        )
        Option.objects.bulk_create(
            Option(question=question, position=i, text=f"Phương án {i}", is_correct=(i == 1))
            for i in range(1, 5)
        )
    BlueprintItem.objects.create(contest=contest, topic=topic, count=questions)
    return contest


def contest_simulate(
    *,
    slug: str,
    participants: int | None = None,
    attempts: int | None = None,
    registrants: int | None = None,
    perfect_share: float = 0.15,
    seed: int = 0,
    questions: int = 10,
    splits: Splits | None = None,
    progress=None,
    until: datetime.datetime | None = None,
) -> dict:
    """Fill the contest `slug` (created with a Hà Nội-shaped tree when missing) with
    `registrants` people (default: `participants`), of whom `participants` have at least one
    graded attempt, `attempts` graded attempts in all, and their Result rows. `splits`
    (`devdata.services.splits`) replaces the three numbers and fixes exactly the participants
    (and registrants) per block, named top unit and age group, the attempts with every answer
    correct and the number of questions; otherwise people go to units in proportion to their
    headcounts, to age groups as in seed 000, and each attempt is all-correct with probability
    `perfect_share`. Attempts are graded and the best one chosen by the scoring rules
    themselves (`attempt_grade_values`, `scoring.rules.best_attempt`). Deterministic for a
    given seed on an empty database. `until` (a contest still open: now) ends the attempts
    there instead of at the close, so that nothing is finished or graded in the future.
    Returns what was generated and the figures a direct count must give."""
    if splits is None:
        splits = Splits(participants=participants, attempts=attempts, registrants=registrants)
    splits_check(splits)
    participants, attempts = splits.participants, splits.attempts
    registrants = participants if splits.registrants is None else splits.registrants
    questions = splits.questions or questions
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311
    contest = _contest_ensure(slug, registrants, questions, rng)
    root = contest.participation_root
    leaves = _leaves(root)
    if not leaves:
        raise ValueError("Cây đơn vị dự thi của cuộc thi chưa có đơn vị nào.")
    participant_leaves, other_leaves = _leaf_lists(leaves, splits, rng)
    groups = {group.key: group for group in contest_age_groups(contest=contest)}
    participant_ages, other_ages = _age_counts(splits, list(groups))
    participant_groups = exact_draws(rng.random, participant_ages)
    other_groups = exact_draws(rng.random, other_ages)

    # The drawn test (no shuffling): the same items for everyone; answers per number correct.
    qs = list(Question.objects.filter(contest=contest, is_active=True).order_by("id")[:questions])
    if not qs:
        raise ValueError("Cuộc thi chưa có câu hỏi.")
    options = defaultdict(list)
    for o in Option.objects.filter(question__in=qs).order_by("question_id", "position"):
        options[o.question_id].append(o)
    qcount = len(qs)
    items = json.dumps([{"q": q.id, "o": [o.id for o in options[q.id]]} for q in qs])
    answers_for = []
    for correct in range(qcount + 1):
        # The first (qcount - correct) questions answered wrong, the rest right.
        ans = {}
        for idx, q in enumerate(qs):
            right = [o.id for o in options[q.id] if o.is_correct]
            wrong = [o.id for o in options[q.id] if not o.is_correct] or right
            ans[str(q.id)] = (wrong[0] if idx < qcount - correct else right[0]) if right else None
        answers_for.append(ans)
    # Each possible answer sheet graded once by the grading rule itself (score out of 100,
    # all correct); the duration is the rule's too, since no simulated attempt ends late.
    answer_key = answer_key_load(question_ids=[q.id for q in qs])
    noon = datetime.datetime(2023, 8, 1, 12, tzinfo=datetime.UTC)
    graded = [
        attempt_grade_values(
            items=json.loads(items),
            answers=ans,
            question_count=qcount,
            started_at=noon,
            deadline=noon + datetime.timedelta(minutes=contest.time_limit_minutes),
            finished_at=noon,
            key=answer_key,
        )
        for ans in answers_for
    ]
    answers_for = [json.dumps(ans) for ans in answers_for]

    ref = contest.age_reference_date or timezone.localdate(contest.opens_at)
    open_epoch = int(contest.opens_at.timestamp())
    ends_at = min(contest.closes_at, until) if until is not None else contest.closes_at
    days = max(1, int((ends_at - contest.opens_at).total_seconds() // 86400))
    # More people towards the end, as in real contests.
    day_cum = []
    acc = 0.0
    for d in range(days):
        acc += 1 + 2 * d / days
        day_cum.append(acc)
    time_limit = contest.time_limit_minutes * 60
    # An hour before the end: the longest test, and its grading, are over by then.
    last_start = max(open_epoch + 60, int(ends_at.timestamp()) - 3600)

    writer = _Writer()
    clock = _Clock(writer.pg)
    User = get_user_model()
    user_table, user_extra = writer.table(
        User, ["id", "username", "password", "date_joined"], {"is_active": True}
    )
    part_table, part_extra = writer.table(
        Participant,
        [
            "id",
            "user_id",
            "full_name",
            "date_of_birth",
            "gender",
            "document_type",
            "document_number",
            "identity_key",
            "name_key",
            "phone",
            "residence_unit_id",
            "created_at",
        ],
    )
    reg_table, reg_extra = writer.table(
        Registration,
        [
            "id",
            "contest_id",
            "participant_id",
            "unit_id",
            "block_id",
            "document_type",
            "document_number",
            "age_on_reference",
            "age_group",
            "consent_participation",
            "consent_publish",
            "created_at",
        ],
    )
    att_table, att_extra = writer.table(
        Attempt,
        [
            "id",
            "registration_id",
            "contest_id",
            "round_id",
            "number",
            "status",
            "items",
            "answers",
            "prediction",
            "started_at",
            "deadline",
            "finished_at",
            "correct_count",
            "question_count",
            "score",
            "duration_ms",
            "all_correct",
            "graded_at",
        ],
    )
    # The columns grading writes, in grading's order (the row below follows it).
    res_table, res_extra = writer.table(
        Result, ["registration_id", "contest_id", "round_id", *RESULT_FIELDS]
    )

    next_user, next_part = _next_id(User), _next_id(Participant)
    next_reg, next_att = _next_id(Registration), _next_id(Attempt)
    # Extra attempts per participant: M - N spread at random (a few people try many times).
    extra = [0] * participants
    rand = rng.random
    for _ in range(attempts - participants):
        extra[int(rand() * participants)] += 1

    expected = _Expected()
    top_names = dict(
        Unit.objects.filter(path__startswith=root.path, depth__lte=root.depth + 2).values_list(
            "id", "code"
        )
    )
    # Days of age on the reference date, safely inside each group (leap days aside).
    day_ranges = {
        key: (int(group.lower * 365.25) + 2, int((group.upper or OLDEST) * 365.25) - 2)
        for key, group in groups.items()
    }
    perfect_left = splits.perfect_attempts
    attempts_left = attempts
    pg = writer.pg
    t, f = (True, False) if pg else (1, 0)
    password = "!simulated"  # noqa: S105  (unusable: these accounts cannot log in)
    created = clock(open_epoch)
    local_day = _LocalDay()

    with transaction.atomic():
        _skip_fk_checks_if_allowed()
        for i in range(registrants):
            uid, pid, rid = next_user + i, next_part + i, next_reg + i
            female = rand() < 0.5
            took_part = i < participants
            group = next(participant_groups if took_part else other_groups)
            lo, hi = day_ranges[group]
            dob = ref - datetime.timedelta(days=lo + int(rand() * (hi - lo)))
            age = _age_on(dob, ref)
            leaf = leaves[participant_leaves[i] if took_part else other_leaves[i - participants]]
            doc = _cccd(pid, dob, female)
            phone = f"+847{pid:08d}"
            name = (
                f"{FAMILY[int(rand() * len(FAMILY))]} "
                f"{(MIDDLE_F if female else MIDDLE_M)[int(rand() * 8)]} "
                f"{(GIVEN_F if female else GIVEN_M)[int(rand() * 15)]}"
            )
            writer.add(user_table, (uid, phone, password, created, *user_extra))
            writer.add(
                part_table,
                (
                    pid,
                    uid,
                    name,
                    dob.isoformat(),
                    "female" if female else "male",
                    "cccd",
                    doc,
                    # The keys the registration service writes: one account per person,
                    # near-duplicates findable (participants.identity).
                    identity_key(document_type="cccd", number=doc, country="VN"),
                    name_key(name),
                    phone,
                    leaf.id,
                    created,
                    *part_extra,
                ),
            )
            writer.add(
                reg_table,
                (
                    rid,
                    contest.pk,
                    pid,
                    leaf.id,
                    leaf.block_id,
                    "cccd",
                    doc,
                    age,
                    group,
                    t,
                    t,
                    created,
                    *reg_extra,
                ),
            )
            expected.registrants += 1
            for key, table in (
                (leaf.block_id, expected.by_block),
                (group, expected.by_age),
                (leaf.top_id, expected.by_top),
            ):
                table[key][0] += 1
            if took_part:
                n = 1 + extra[i]
                day_base = open_epoch + 86400 * _bisect(day_cum, rand() * day_cum[-1])
                # Within three days of the first, and at least an hour before closing.
                span = max(60, min(86400 * 3, last_start - day_base))
                starts = sorted(day_base + int(rand() * span) for _ in range(n))
                best = None
                perfect_here = 0
                per_day: dict[str, list[int]] = {}
                for number, start in enumerate(starts, start=1):
                    aid = next_att
                    next_att += 1
                    if perfect_left is None:
                        perfect = rand() < perfect_share
                    else:  # exactly perfect_left of the attempts_left still to write
                        perfect = rand() * attempts_left < perfect_left
                        perfect_left -= perfect
                    attempts_left -= 1
                    sheet = qcount if perfect else max(0, qcount - 1 - int(rand() * 5))
                    correct, score, _ms, perfect = graded[sheet]
                    duration = 60 + int(rand() * (time_limit - 60))
                    finish = start + duration
                    prediction = 1000 + int(rand() * 100000)
                    writer.add(
                        att_table,
                        (
                            aid,
                            rid,
                            contest.pk,
                            None,
                            number,
                            "graded",
                            items,
                            answers_for[sheet],
                            prediction,
                            clock(start),
                            clock(start + time_limit),
                            clock(finish),
                            correct,
                            qcount,
                            str(score),
                            duration * 1000,
                            t if perfect else f,
                            clock(finish + 2),
                            *att_extra,
                        ),
                    )
                    perfect_here += perfect
                    counts = per_day.setdefault(local_day(finish), [0, 0])
                    counts[0] += 1
                    counts[1] += perfect
                    rank = best_attempt.sort_key(
                        attempt_id=aid,
                        correct_count=correct,
                        duration_ms=duration * 1000,
                        finished_at=datetime.datetime.fromtimestamp(finish, datetime.UTC),
                    )
                    if best is None or rank < best[0]:
                        best = (rank, aid, correct, str(score), duration, finish, prediction)
                _key, aid, correct, score, duration, finish, prediction = best
                writer.add(
                    res_table,
                    (
                        rid,
                        contest.pk,
                        None,
                        aid,
                        correct,
                        score,
                        duration * 1000,
                        clock(finish),
                        prediction,
                        None,
                        n,
                        perfect_here,
                        *_activity_columns(per_day, pg),
                        0,  # no rounds: rounds_correct_total, perfect_rounds
                        0,
                        clock(starts[0]),
                        *res_extra,
                    ),
                )
                expected.participants += 1
                expected.attempts += n
                expected.perfect_attempts += perfect_here
                for key, table in (
                    (leaf.block_id, expected.by_block),
                    (group, expected.by_age),
                    (leaf.top_id, expected.by_top),
                ):
                    table[key][1] += 1
                    table[key][2] += n
                    table[key][3] += perfect_here
            if (i + 1) % CHUNK == 0:
                writer.flush()
                if progress:
                    progress(i + 1, registrants)
        writer.flush()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(
                no_style(), [User, Participant, Registration, Attempt, Result]
            ):
                cursor.execute(sql)
    if connection.vendor == "postgresql":
        # VACUUM (outside a transaction) also sets the visibility map, without which the
        # roll-ups' index-only scan would visit the 10 GB of attempt rows after a big load.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in (Registration, Attempt, Result, Participant):
                cursor.execute(f'{command} "{model._meta.db_table}"')

    def fig(values):
        return {
            "registrants": values[0],
            "participants": values[1],
            "attempts": values[2],
            "perfect_attempts": values[3],
        }

    codes = dict(Unit.objects.filter(pk__in=list(expected.by_block)).values_list("id", "code"))
    return {
        "contest": contest.slug,
        "unit": root.code,
        "seed": seed,
        "units": Unit.objects.filter(path__startswith=root.path).count(),
        "questions": qcount,
        "registrants": expected.registrants,
        "participants": expected.participants,
        "attempts": expected.attempts,
        "perfect_attempts": expected.perfect_attempts,
        "by_block": {codes[k]: fig(v) for k, v in sorted(expected.by_block.items())},
        "by_age_group": {k: fig(v) for k, v in sorted(expected.by_age.items())},
        "by_top_unit": {
            top_names.get(k, str(k)): fig(v)
            for k, v in sorted(expected.by_top.items(), key=lambda kv: -kv[1][1])
        },
        "seconds": round(time.monotonic() - started, 1),
    }


def _bisect(cum: list[float], x: float) -> int:
    return min(bisect.bisect_left(cum, x), len(cum) - 1)
