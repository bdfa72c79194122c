"""Writes of the judging pipeline: judges, balanced and hand assignment, marks (with the third
judge when two disagree), forwarding a district's best to the city, closing the final marking.

Every rule is in essays.rules (assignment, marks, ranking); these functions load rows, call the
rules, write, and raise `Refused` (Vietnamese message, nothing written) when a rule says no."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import ContestChange, Unit
from contests.refusals import Refused, raise_if_refused
from contests.selectors import path_prefix_for
from contests.services.units import JUDGE_GROUP
from essays.models import Assignment, Criterion, Entry, Judge, Mark, Panel
from essays.rules import assignment as assignment_rules
from essays.rules import marks as mark_rules
from essays.rules.ranking import forward_key
from essays.selectors.judging import panel_entries


def _check_scope(*, user, unit: Unit) -> None:
    prefix = path_prefix_for(user=user)
    if prefix is None or not unit.path.startswith(prefix):
        raise Refused("scope", _("Bạn không có quyền quản lý ban giám khảo của đơn vị này."))


def _audit(*, panel: Panel, user, what: str, after: dict) -> None:
    ContestChange.objects.create(
        contest_id=panel.task.contest_id, user=user, what=what, before={}, after=after
    )


# --- judges -------------------------------------------------------------------------------


@transaction.atomic
def judge_add(*, username: str, full_name: str, password: str, home_unit: Unit, by) -> Judge:
    """A judge account: not staff (judges see nothing in the admin), in the judge group, with
    the unit they work in (they never mark entries from its subtree)."""
    _check_scope(user=by, unit=home_unit)
    users = get_user_model()
    if users.objects.filter(username__iexact=username).exists():
        raise Refused("username_taken", _("Tên đăng nhập này đã có người dùng."))
    last, _sep, first = full_name.strip().rpartition(" ")
    user = users.objects.create_user(
        username=username, password=password, first_name=first, last_name=last, is_staff=False
    )
    user.groups.add(Group.objects.get_or_create(name=JUDGE_GROUP)[0])
    return Judge.objects.create(user=user, home_unit=home_unit)


# --- assignment -----------------------------------------------------------------------------


@dataclass
class AssignOutcome:
    created: int = 0
    unplaced: list[str] = field(default_factory=list)  # entry codes with < 2 eligible judges


def _panel_judges(panel: Panel) -> list[tuple[int, str]]:
    return list(panel.judges.order_by("pk").values_list("pk", "home_unit__path"))


def _panel_loads(panel: Panel) -> dict[int, int]:
    return dict(
        Assignment.objects.filter(panel=panel)
        .values_list("judge_id")
        .annotate(n=Count("id"))
        .values_list("judge_id", "n")
    )


def _assignments_insert(*, panel: Panel, pairs: list[tuple[int, int, int]]) -> None:
    """One INSERT … SELECT FROM unnest(arrays): 20,000 rows in about a second where
    bulk_create's per-object work took 5 s on the loaded 2-core machine
    (benchmarks/essays_bench.py)."""
    if not pairs:
        return
    if connection.vendor != "postgresql":  # the embedded default (SQLite): a demo's few rows
        Assignment.objects.bulk_create(
            Assignment(entry_id=entry, panel=panel, judge_id=judge, stage=panel.stage, turn=turn)
            for entry, judge, turn in pairs
        )
        return
    entries, judges, turns = (list(column) for column in zip(*pairs, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO essays_assignment (entry_id, panel_id, judge_id, stage, turn, "
            "assigned_at) SELECT e, %s, j, %s, t, now() "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::smallint[]) AS x(e, j, t)",
            [panel.pk, panel.stage, entries, judges, turns],
        )


def panel_assign(*, panel: Panel, by, seed: int | None = None) -> AssignOutcome:
    """Give each of the panel's entries that has no judge yet to two judges of the panel
    (essays.rules.assignment.plan_assignments: balanced, random, no conflict of interest)."""
    _check_scope(user=by, unit=panel.unit)
    with transaction.atomic():
        panel = Panel.objects.select_for_update().select_related("task").get(pk=panel.pk)
        if panel.closed_at is not None:
            raise Refused(
                "panel_closed", _("Ban giám khảo này đã chốt điểm, không phân công thêm.")
            )
        judges = _panel_judges(panel)
        if len(judges) < mark_rules.JUDGES_PER_ENTRY:
            raise Refused(
                "too_few_judges", _("Ban giám khảo cần ít nhất 2 giám khảo để phân công chấm.")
            )
        entries = list(
            panel_entries(panel)
            .exclude(assignments__stage=panel.stage)
            .values_list("pk", "registration__unit__path", "code")
        )
        codes = {pk: code for pk, _path, code in entries}
        plan = assignment_rules.plan_assignments(
            entries=[(pk, path) for pk, path, _code in entries],
            judges=judges,
            loads=_panel_loads(panel),
            seed=seed if seed is not None else secrets.randbits(64),
        )
        _assignments_insert(panel=panel, pairs=plan.pairs)
        outcome = AssignOutcome(
            created=len(plan.pairs), unplaced=sorted(codes[pk] for pk in plan.unplaced)
        )
        _audit(
            panel=panel,
            user=by,
            what="essay_panel_assign",
            after={
                "panel": panel.pk,
                "assignments": outcome.created,
                "unplaced": len(plan.unplaced),
            },
        )
    return outcome


def assignment_add(*, panel: Panel, entry: Entry, judge: Judge, by) -> Assignment:
    """Give one entry to one judge of the panel by hand (a third judge, a replacement, or an
    entry the balanced assignment could not place)."""
    _check_scope(user=by, unit=panel.unit)
    with transaction.atomic():
        panel = Panel.objects.select_for_update().get(pk=panel.pk)
        if not panel_entries(panel).filter(pk=entry.pk).exists():
            raise Refused("not_panel_entry", _("Bài này không thuộc ban giám khảo đã chọn."))
        existing = list(Assignment.objects.filter(entry=entry, stage=panel.stage))
        raise_if_refused(
            assignment_rules.hand_assignment_refusal(
                judge_home_path=judge.home_unit.path,
                entry_unit_path=entry.registration.unit.path,
                judge_in_panel=panel.judges.filter(pk=judge.pk).exists(),
                already_assigned=any(a.judge_id == judge.pk for a in existing),
                panel_closed=panel.closed_at is not None,
            )
        )
        turn = max((a.turn for a in existing), default=0) + 1
        assignment = Assignment.objects.create(
            entry=entry, panel=panel, judge=judge, stage=panel.stage, turn=turn
        )
        # A new judge on an entry means its mark waits for them.
        _entry_settle(entry=entry, panel=panel)
    return assignment


def assignment_remove(*, assignment: Assignment, by) -> None:
    """Take back an entry not yet marked from a judge (to give it to another); its mark at the
    stage is settled again without that judge. A marked assignment stays: marks are evidence."""
    _check_scope(user=by, unit=assignment.panel.unit)
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=assignment.entry_id)
        assignment = Assignment.objects.select_related("panel__task").get(pk=assignment.pk)
        if assignment.marked_at is not None:
            raise Refused("marked", _("Giám khảo đã chấm bài này: không thu hồi được."))
        if assignment.panel.closed_at is not None:
            raise Refused("panel_closed", _("Ban giám khảo này đã chốt điểm."))
        panel = assignment.panel
        assignment.delete()
        _entry_settle(entry=entry, panel=panel, allow_third=False)


# --- marks ------------------------------------------------------------------------------------


class MarksRefused(Refused):
    """Some criteria's marks were refused: `errors` maps criterion id → Vietnamese message."""

    def __init__(self, errors: dict[int, str]):
        super().__init__("marks_invalid", _("Có điểm chưa hợp lệ, vui lòng xem lại."))
        self.errors = errors


def marks_save(
    *, assignment: Assignment, judge: Judge, values: dict[int, tuple[str, str]]
) -> Assignment:
    """Save a judge's marks on every criterion of the rubric (values: criterion id → (mark as
    typed, comment)); set the total; then settle the entry: its mark at this stage, or a third
    judge when the first two are too far apart. A judge may correct their marks until the panel
    is closed."""
    if assignment.judge_id != judge.pk:
        raise Refused("not_assigned", _("Bài này không được phân công cho bạn."))
    criteria = list(Criterion.objects.filter(task_id=assignment.entry.task_id))
    if not criteria:
        raise Refused("no_rubric", _("Phần thi chưa có tiêu chí chấm; xin báo Ban Tổ chức."))
    errors: dict[int, str] = {}
    for criterion in criteria:
        raw, comment = values.get(criterion.pk, ("", ""))
        refusal = mark_rules.mark_refusal(raw, max_marks=criterion.max_marks)
        if refusal is not None:
            errors[criterion.pk] = str(refusal.message)
        elif len(comment or "") > 2000:
            errors[criterion.pk] = _("Nhận xét dài quá 2000 ký tự.")
    if errors:
        raise MarksRefused(errors)
    with transaction.atomic():
        # The entry row is the lock: two judges saving at once settle one after the other.
        entry = Entry.objects.select_for_update().get(pk=assignment.entry_id)
        assignment = Assignment.objects.select_related("panel").get(pk=assignment.pk)
        if assignment.panel.closed_at is not None:
            raise Refused("panel_closed", _("Ban giám khảo đã chốt điểm: không sửa điểm được nữa."))
        rows = []
        pairs = []
        for criterion in criteria:
            raw, comment = values[criterion.pk]
            value = mark_rules.mark_value(raw)
            pairs.append((value, criterion.weight))
            rows.append(
                Mark(
                    assignment=assignment,
                    criterion=criterion,
                    marks=value,
                    comment=(comment or "").strip(),
                )
            )
        Mark.objects.filter(assignment=assignment).delete()
        Mark.objects.bulk_create(rows)
        assignment.total = mark_rules.judge_total(pairs)
        assignment.marked_at = timezone.now()
        assignment.save(update_fields=["total", "marked_at"])
        _entry_settle(entry=entry, panel=assignment.panel)
    return assignment


def _entry_settle(*, entry: Entry, panel: Panel, allow_third: bool = True) -> None:
    """The entry's mark at the panel's stage from its marked totals (None while any of its
    judges has not marked, or while two disagree and the third is not in); a third judge when
    the rule asks for one and the panel has an eligible one."""
    task = panel.task
    assignments = list(Assignment.objects.filter(entry=entry, stage=panel.stage))
    totals = [a.total for a in assignments if a.marked_at is not None]
    pending = any(a.marked_at is None for a in assignments)
    if (
        allow_third
        and not pending
        and len(assignments) < mark_rules.MAX_TURNS
        and mark_rules.needs_third(totals, gap=task.third_mark_gap)
    ):
        judge_id = assignment_rules.extra_judge(
            entry_unit_path=entry.registration.unit.path,
            judges=_panel_judges(panel),
            taken={a.judge_id for a in assignments},
            loads=_panel_loads(panel),
        )
        if judge_id is not None:
            Assignment.objects.create(
                entry=entry,
                panel=panel,
                judge_id=judge_id,
                stage=panel.stage,
                turn=len(assignments) + 1,
            )
            pending = True
    mark = None if pending else mark_rules.entry_mark(totals, gap=task.third_mark_gap)
    field_name = "preliminary_mark" if panel.stage == Entry.Stage.PRELIMINARY else "final_mark"
    if getattr(entry, field_name) != mark:
        setattr(entry, field_name, mark)
        entry.save(update_fields=[field_name, "updated_at"])


# --- forwarding and closing ------------------------------------------------------------------


def _incomplete_count(panel: Panel) -> int:
    field_name = "preliminary_mark" if panel.stage == Entry.Stage.PRELIMINARY else "final_mark"
    return panel_entries(panel).filter(**{f"{field_name}__isnull": True}).count()


def panel_forward(*, panel: Panel, by) -> list[Entry]:
    """A district's preliminary marking is complete: its best `forward_top_n` entries by
    preliminary mark (essays.rules.ranking.forward_key) go to the city's final stage; the
    panel is closed. Refused while any entry has no mark."""
    _check_scope(user=by, unit=panel.unit)
    with transaction.atomic():
        panel = Panel.objects.select_for_update().select_related("task").get(pk=panel.pk)
        if panel.stage != Entry.Stage.PRELIMINARY:
            raise Refused(
                "not_preliminary", _("Chỉ ban giám khảo sơ khảo mới gửi bài lên thành phố.")
            )
        if panel.closed_at is not None:
            raise Refused("already_forwarded", _("Ban giám khảo này đã gửi bài lên thành phố."))
        missing = _incomplete_count(panel)
        if missing:
            raise Refused(
                "incomplete",
                _("Còn %(n)s bài chưa có điểm sơ khảo: chưa gửi bài lên thành phố được.")
                % {"n": missing},
            )
        rows = list(panel_entries(panel).only("pk", "preliminary_mark", "submitted_at"))
        rows.sort(
            key=lambda e: forward_key(
                mark=e.preliminary_mark, submitted_at=e.submitted_at, entry_id=e.pk
            )
        )
        best = rows[: panel.task.forward_top_n]
        now = timezone.now()
        Entry.objects.filter(pk__in=[e.pk for e in best]).update(
            stage=Entry.Stage.FINAL, forwarded_at=now, updated_at=now
        )
        panel.closed_at = now
        panel.save(update_fields=["closed_at"])
        _audit(
            panel=panel,
            user=by,
            what="essay_panel_forward",
            after={"panel": panel.pk, "forwarded": len(best), "entries": len(rows)},
        )
    return best


def panel_close(*, panel: Panel, by) -> Panel:
    """The city's final marking is complete: its marks are final (the codes are linked to the
    people for the organisers; the prizes may be allocated). Refused while any is missing."""
    _check_scope(user=by, unit=panel.unit)
    with transaction.atomic():
        panel = Panel.objects.select_for_update().select_related("task").get(pk=panel.pk)
        if panel.stage != Entry.Stage.FINAL:
            raise Refused(
                "not_final", _("Ban giám khảo sơ khảo chốt điểm bằng cách gửi bài lên thành phố.")
            )
        if panel.closed_at is not None:
            raise Refused("already_closed", _("Ban giám khảo này đã chốt điểm."))
        missing = _incomplete_count(panel)
        if missing:
            raise Refused(
                "incomplete",
                _("Còn %(n)s bài chưa có điểm chung khảo: chưa chốt điểm được.") % {"n": missing},
            )
        panel.closed_at = timezone.now()
        panel.save(update_fields=["closed_at"])
        _audit(panel=panel, user=by, what="essay_panel_close", after={"panel": panel.pk})
    return panel
