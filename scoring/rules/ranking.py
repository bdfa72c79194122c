"""The ranking rule: a chain of tie-break keys over plain rows (no database).

Each key is one small class (as DMOJ's contest formats): its pure sort value, the same order as
an ORM expression (for selectors that rank millions of rows in the database), and what it says
in Vietnamese when it decides between two people. `KEYS` names them; a chain is a tuple of
names. The default chain: most correct answers → smallest prediction error (no prediction:
last) → shortest duration → earliest finish. The registration id always ends the chain, so no
two rows tie and pages of a ranking neither repeat nor skip a row. A test keeps the database
order equal to `sort_key`.

`explain(a, b)` says in Vietnamese which of two participants is ahead and why, for appeals;
`rule_lines(chain)` says the chain as the contest's rules print it (each key's `label`, the
organiser's word for it in `contests.rules.tie_breaks`, and its `note`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from contests.rules import tie_breaks

# Sorts after any real prediction error.
_NO_PREDICTION = float("inf")


@dataclass(frozen=True)
class RankRow:
    registration_id: int
    correct_count: int
    prediction_error: int | None
    duration_ms: int
    finished_at: datetime.datetime
    # Keys only some chains use (scoring.Result columns of the same names).
    graded_attempts: int = 1
    perfect_attempts: int = 0
    first_started_at: datetime.datetime | None = None
    rounds_correct_total: int = 0
    perfect_rounds: int = 0


def _duration(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}:{seconds:02d},{millis:03d}"


def _moment(at: datetime.datetime) -> str:
    local = timezone.localtime(at)
    return local.strftime("%H:%M:%S,") + f"{local.microsecond // 1000:03d} {local:%d/%m/%Y}"


class Key:
    """One tie-break key. `field` is the result column; `descending` says whether more is
    better. `name` is its name in a chain (a TieBreak or CumulativeRule value) and `label` that
    choice's Vietnamese label; `note` adds what the label leaves open, for the rule text.
    `tied` names the shared value ("số câu đúng (18)"), `wins` says why the first of two rows
    is ahead on this key."""

    name: str
    field: str
    descending = False

    @property
    def label(self) -> str:
        choices = tie_breaks.CumulativeRule if self.name in _CUMULATIVE else tie_breaks.TieBreak
        return str(choices(self.name).label)

    def note(self) -> str:
        return ""

    def description(self) -> str:
        """The key as one item of the rule text: its label, then its note if any."""
        note = self.note()
        return f"{self.label} ({note})" if note else self.label

    def value(self, row: RankRow):
        value = getattr(row, self.field)
        return -value if self.descending else value

    def order_by(self):
        from django.db.models import F  # the rule itself needs no database

        column = F(self.field)
        return column.desc() if self.descending else column.asc()

    def sql(self, alias: str) -> list[str]:
        """The same order as `order_by`, as SQL ORDER BY terms over `alias.<field>` (for the
        window functions that rank at publication)."""
        return [f"{alias}.{self.field} {'DESC' if self.descending else 'ASC'}"]

    def tied(self, row: RankRow) -> str:
        raise NotImplementedError

    def wins(self, first: RankRow, second: RankRow, names: dict) -> str:
        raise NotImplementedError


class MostCorrect(Key):
    name = "most_correct"
    field = "correct_count"
    descending = True

    def tied(self, row):
        return _("số câu đúng (%(n)s)") % {"n": row.correct_count}

    def wins(self, first, second, names):
        return _("trả lời đúng nhiều câu hơn (%(a)s câu so với %(b)s câu)") % {
            "a": first.correct_count,
            "b": second.correct_count,
        }


class ClosestPrediction(Key):
    name = "closest_prediction"
    field = "prediction_error"

    def note(self):
        return _("người không trả lời câu hỏi dự đoán xếp sau người có trả lời")

    def value(self, row):
        return _NO_PREDICTION if row.prediction_error is None else row.prediction_error

    def order_by(self):
        from django.db.models import F

        return F(self.field).asc(nulls_last=True)

    def sql(self, alias):
        # NULLS LAST written so that PostgreSQL and SQLite read it alike.
        column = f"{alias}.{self.field}"
        return [f"(CASE WHEN {column} IS NULL THEN 1 ELSE 0 END) ASC", f"{column} ASC"]

    def tied(self, row):
        if row.prediction_error is None:
            return _("sai số dự đoán (không dự đoán)")
        return _("sai số dự đoán (%(n)s)") % {"n": row.prediction_error}

    def wins(self, first, second, names):
        if second.prediction_error is None:
            return _(
                "%(first)s có trả lời câu hỏi dự đoán (sai số %(a)s), "
                "%(second)s không trả lời câu hỏi dự đoán"
            ) % {**names, "a": first.prediction_error}
        return _("dự đoán gần đáp án hơn (sai số %(a)s so với %(b)s)") % {
            "a": first.prediction_error,
            "b": second.prediction_error,
        }


class ShortestDuration(Key):
    name = "shortest_duration"
    field = "duration_ms"

    def note(self):
        return _("của bài thi được tính kết quả")

    def tied(self, row):
        return _("thời gian làm bài (%(t)s)") % {"t": _duration(row.duration_ms)}

    def wins(self, first, second, names):
        return _("thời gian làm bài ngắn hơn (%(a)s so với %(b)s)") % {
            "a": _duration(first.duration_ms),
            "b": _duration(second.duration_ms),
        }


class EarliestFinish(Key):
    name = "earliest_finish"
    field = "finished_at"

    def note(self):
        return _("thời điểm nộp bài thi được tính kết quả")

    def tied(self, row):
        return _("thời điểm nộp bài (%(t)s)") % {"t": _moment(row.finished_at)}

    def wins(self, first, second, names):
        return _("nộp bài sớm hơn (%(a)s so với %(b)s)") % {
            "a": _moment(first.finished_at),
            "b": _moment(second.finished_at),
        }


class FewerAttempts(Key):
    name = "fewer_attempts"
    field = "graded_attempts"

    def note(self):
        return _("đếm mọi bài đã nộp và được chấm")

    def tied(self, row):
        return _("số lần thi (%(n)s)") % {"n": row.graded_attempts}

    def wins(self, first, second, names):
        return _("thi ít lần hơn (%(a)s lần so với %(b)s lần)") % {
            "a": first.graded_attempts,
            "b": second.graded_attempts,
        }


class MorePerfectAttempts(Key):
    name = "more_perfect_attempts"
    field = "perfect_attempts"
    descending = True

    def tied(self, row):
        return _("số bài đạt điểm tuyệt đối (%(n)s)") % {"n": row.perfect_attempts}

    def wins(self, first, second, names):
        return _("có nhiều bài đạt điểm tuyệt đối hơn (%(a)s bài so với %(b)s bài)") % {
            "a": first.perfect_attempts,
            "b": second.perfect_attempts,
        }


class EarliestRegistration(Key):
    """Registration ids are handed out in the order registrations are made (one sequence),
    so the smaller id registered first."""

    name = "earliest_registration"
    field = "registration_id"

    def note(self):
        return _("theo thứ tự hệ thống ghi nhận đăng ký")

    def tied(self, row):  # a registration id is never shared
        return ""

    def wins(self, first, second, names):
        return _("đăng ký dự thi trước (mã đăng ký %(a)s so với %(b)s)") % {
            "a": first.registration_id,
            "b": second.registration_id,
        }


class EarliestStart(Key):
    name = "earliest_start"
    field = "first_started_at"

    def note(self):
        return _("thời điểm bắt đầu bài thi đầu tiên được chấm")

    def value(self, row):
        # A row without a start (none is graded so) sorts last, as NULLS LAST does.
        at = row.first_started_at
        return (1, 0) if at is None else (0, at.timestamp())

    def order_by(self):
        from django.db.models import F

        return F(self.field).asc(nulls_last=True)

    def sql(self, alias):
        column = f"{alias}.{self.field}"
        return [f"(CASE WHEN {column} IS NULL THEN 1 ELSE 0 END) ASC", f"{column} ASC"]

    def tied(self, row):
        if row.first_started_at is None:
            return _("thời điểm bắt đầu làm bài lần đầu (không có)")
        return _("thời điểm bắt đầu làm bài lần đầu (%(t)s)") % {"t": _moment(row.first_started_at)}

    def wins(self, first, second, names):
        if second.first_started_at is None:
            return _("bắt đầu làm bài lần đầu sớm hơn (%(a)s)") % {
                "a": _moment(first.first_started_at)
            }
        return _("bắt đầu làm bài lần đầu sớm hơn (%(a)s so với %(b)s)") % {
            "a": _moment(first.first_started_at),
            "b": _moment(second.first_started_at),
        }


class MostRoundTotal(Key):
    """Cumulative ranking (CumulativeRule.ROUND_SUM): the sum of each round's best."""

    name = "round_sum"
    field = "rounds_correct_total"
    descending = True

    def note(self):
        return _("cao hơn xếp trên")

    def tied(self, row):
        return _("tổng số câu đúng các tuần/vòng (%(n)s)") % {"n": row.rounds_correct_total}

    def wins(self, first, second, names):
        return _("có tổng số câu đúng các tuần/vòng cao hơn (%(a)s so với %(b)s)") % {
            "a": first.rounds_correct_total,
            "b": second.rounds_correct_total,
        }


class MostPerfectRounds(Key):
    """Cumulative ranking (CumulativeRule.PERFECT_ROUNDS): rounds with a perfect attempt."""

    name = "perfect_rounds"
    field = "perfect_rounds"
    descending = True

    def note(self):
        return _("nhiều hơn xếp trên")

    def tied(self, row):
        return _("số tuần/vòng đạt điểm tuyệt đối (%(n)s)") % {"n": row.perfect_rounds}

    def wins(self, first, second, names):
        return _("có nhiều tuần/vòng đạt điểm tuyệt đối hơn (%(a)s so với %(b)s)") % {
            "a": first.perfect_rounds,
            "b": second.perfect_rounds,
        }


class RegistrationOrder(Key):
    """The final key of every chain: the earlier registration first."""

    name = "registration_order"
    field = "registration_id"


# The tie-break keys an organiser may chain (exactly contests.rules.tie_breaks.TieBreak).
KEYS: dict[str, Key] = {
    key.name: key
    for key in (
        MostCorrect(),
        ClosestPrediction(),
        ShortestDuration(),
        EarliestFinish(),
        FewerAttempts(),
        MorePerfectAttempts(),
        EarliestRegistration(),
        EarliestStart(),
    )
}
# The first key of a contest's overall ranking, by its cumulative rule (CumulativeRule); the
# best attempt needs none (its first key is the chain's).
CUMULATIVE_KEYS: dict[str, Key] = {key.name: key for key in (MostRoundTotal(), MostPerfectRounds())}
_CUMULATIVE = {"round_sum", "perfect_rounds"}
DEFAULT_CHAIN = tuple(str(name) for name in tie_breaks.DEFAULT_CHAIN)
_FINAL = RegistrationOrder()


def _keys(chain: tuple[str, ...]) -> list[Key]:
    return [*(KEYS.get(name) or CUMULATIVE_KEYS[name] for name in chain), _FINAL]


def chain_for(contest, round=None) -> tuple[str, ...]:  # noqa: A002
    """The chain `contest` ranks by: its organiser's tie-break chain (or the default), led for
    the overall ranking of a contest with a cumulative rule by that rule's key. `round`: the
    round being ranked (None: the overall ranking)."""
    chain = tie_breaks.chain_or_default(contest.tie_break_chain)
    if round is None and contest.cumulative_rule in CUMULATIVE_KEYS:
        return (contest.cumulative_rule, *chain)
    return chain


def sort_key(row: RankRow, chain: tuple[str, ...] = DEFAULT_CHAIN) -> tuple:
    return tuple(key.value(row) for key in _keys(chain))


def order_by(chain: tuple[str, ...] = DEFAULT_CHAIN) -> list:
    """The same order as `sort_key`, as ORM expressions for `QuerySet.order_by`."""
    return [key.order_by() for key in _keys(chain)]


def order_by_sql(alias: str, chain: tuple[str, ...] = DEFAULT_CHAIN) -> str:
    """The same order as `order_by`, as the text of an SQL ORDER BY over the result columns
    of the row source `alias`."""
    return ", ".join(term for key in _keys(chain) for term in key.sql(alias))


def rank(rows: list[RankRow], chain: tuple[str, ...] = DEFAULT_CHAIN) -> list[tuple[int, RankRow]]:
    """[(rank, row)] best first; ranks are 1, 2, 3… (the final key breaks every tie)."""
    ordered = sorted(rows, key=lambda row: sort_key(row, chain))
    return list(enumerate(ordered, start=1))


def rule_lines(chain: tuple[str, ...] = DEFAULT_CHAIN) -> list[str]:
    """The chain as the contest's rules say it, one line per key, first decides first; the
    last line says how a complete tie ends (the registration order) unless the chain already
    ends on it. Keys after "earliest_registration" never decide (no two people share a
    registration) and are not said (the admin form refuses such a chain)."""
    lines: list[str] = []
    for key in _keys(chain)[:-1]:
        lines.append(key.description())
        if key.name == "earliest_registration":
            return lines
    lines.append(_("Nếu vẫn bằng nhau ở mọi tiêu chí: người đăng ký dự thi trước xếp trên"))
    return lines


def _label(row: RankRow) -> str:
    return _("Người dự thi #%(id)s") % {"id": row.registration_id}


def _and(parts: list[str]) -> str:
    """ "a", "a và b", "a, b và c"."""
    if len(parts) < 2:
        return "".join(parts)
    return _("%(head)s và %(last)s") % {"head": ", ".join(parts[:-1]), "last": parts[-1]}


def explain(
    a: RankRow,
    b: RankRow,
    chain: tuple[str, ...] = DEFAULT_CHAIN,
    *,
    labels: dict[int, str] | None = None,
) -> str:
    """Why one of `a`, `b` ranks above the other, in Vietnamese: the keys they share (with the
    shared value), then the first key that differs and both values. `labels` ({registration
    id: name}) names people otherwise than "Người dự thi #id" (the results lookup says "bạn");
    the sentence's first letter is capitalised."""
    if a.registration_id == b.registration_id:
        return _("Đây là cùng một người dự thi.")
    first, second = (a, b) if sort_key(a, chain) < sort_key(b, chain) else (b, a)
    labels = labels or {}

    def label(row: RankRow) -> str:
        return labels.get(row.registration_id) or _label(row)

    text = _explain(first, second, {"first": label(first), "second": label(second)}, chain)
    return text[:1].upper() + text[1:]


def _explain(first: RankRow, second: RankRow, names: dict, chain: tuple[str, ...]) -> str:
    tied: list[str] = []
    for key in _keys(chain)[:-1]:
        if key.value(first) == key.value(second):
            tied.append(key.tied(first))
            continue
        reason = key.wins(first, second, names)
        if not tied:
            return _("%(first)s xếp trên %(second)s vì %(reason)s.") % {**names, "reason": reason}
        return _("%(first)s xếp trên %(second)s: cùng %(tied)s, %(reason)s.") % {
            **names,
            "tied": _and(tied),
            "reason": reason,
        }
    return (
        _(
            "%(first)s xếp trên %(second)s: bằng nhau ở mọi tiêu chí, thứ tự cuối cùng theo mã "
            "đăng ký dự thi (đăng ký trước xếp trên)."
        )
        % names
    )
