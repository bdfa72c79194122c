"""Reads of the judging pipeline: a panel's entries, a judge's queue, progress per judge and
panel, the marks for export, and the essay ranking that scoring's prize allocation uses.

Judges read entries only through `assignment_for_judge` / `judge_queue`: the code, the text or
file, never the person, and never another judge's marks or an earlier stage's mark."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from essays.models import Assignment, Criterion, Entry, EssayTask, Judge, Mark, Panel
from essays.rules import marks as mark_rules
from essays.rules import ranking as ranking_rules


def panel_entries(panel: Panel) -> QuerySet[Entry]:
    """The submitted entries a panel marks: a district's preliminary panel, those the district
    collected (forwarded ones included: it marked them); the city's final panel, those
    forwarded to the final stage."""
    entries = Entry.objects.filter(task_id=panel.task_id, status=Entry.Status.SUBMITTED)
    if panel.stage == Entry.Stage.PRELIMINARY:
        return entries.filter(district_id=panel.unit_id)
    return entries.filter(stage=Entry.Stage.FINAL)


def judge_for_user(user) -> Judge | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Judge.objects.filter(user=user).select_related("home_unit").first()


def judge_queue(judge: Judge) -> QuerySet[Assignment]:
    """The judge's assignments, the ones still to mark first (oldest first), then the marked
    ones (latest first). Only the entry's code is selected for display."""
    return (
        Assignment.objects.filter(judge=judge)
        .select_related("entry", "panel", "panel__task")
        .only(
            "pk",
            "stage",
            "turn",
            "marked_at",
            "total",
            "assigned_at",
            "entry__code",
            "entry__stage",
            "panel__name",
            "panel__closed_at",
            "panel__task__title",
        )
        .order_by(F("marked_at").asc(nulls_first=True), "pk")
    )


def next_assignment(judge: Judge) -> Assignment | None:
    return (
        Assignment.objects.filter(
            judge=judge, marked_at__isnull=True, panel__closed_at__isnull=True
        )
        .select_related("entry")
        .order_by("pk")
        .first()
    )


def assignment_for_judge(judge: Judge, code: str) -> Assignment | None:
    """The judge's assignment of the entry with this code at the entry's current stage, or
    None (the view answers 404: an entry not assigned to this judge does not exist for them)."""
    return (
        Assignment.objects.filter(judge=judge, entry__code=code)
        .select_related("entry", "entry__task", "panel")
        .order_by("-pk")
        .first()
    )


@dataclass
class JudgeCounts:
    assigned: int
    marked: int

    @property
    def left(self) -> int:
        return self.assigned - self.marked


def judge_counts(judge: Judge) -> JudgeCounts:
    row = Assignment.objects.filter(judge=judge, panel__closed_at__isnull=True).aggregate(
        assigned=Count("id"), marked=Count("id", filter=Q(marked_at__isnull=False))
    )
    return JudgeCounts(**row)


def rubric(task_id: int) -> list[Criterion]:
    return list(Criterion.objects.filter(task_id=task_id))


def own_marks(assignment: Assignment) -> dict[int, Mark]:
    return {m.criterion_id: m for m in Mark.objects.filter(assignment=assignment)}


@dataclass
class PanelProgress:
    entries: int
    unassigned: int
    settled: int
    awaiting_third: int  # two marks too far apart and no third judge could be found
    judges: list[dict]

    @property
    def complete(self) -> bool:
        return self.entries > 0 and self.settled == self.entries


def panel_progress(panel: Panel) -> PanelProgress:
    entries = panel_entries(panel)
    field_name = "preliminary_mark" if panel.stage == Entry.Stage.PRELIMINARY else "final_mark"
    counts = entries.aggregate(
        n=Count("id"),
        settled=Count("id", filter=Q(**{f"{field_name}__isnull": False})),
    )
    unassigned = entries.exclude(assignments__stage=panel.stage).count()
    per_judge = {
        row["judge_id"]: row
        for row in Assignment.objects.filter(panel=panel)
        .values("judge_id")
        .annotate(
            assigned=Count("id"),
            marked=Count("id", filter=Q(marked_at__isnull=False)),
            thirds=Count("id", filter=Q(turn__gte=3)),
        )
    }
    judges = []
    for judge in panel.judges.select_related("user", "home_unit").order_by("user__username"):
        row = per_judge.pop(judge.pk, {"assigned": 0, "marked": 0, "thirds": 0})
        judges.append(
            {
                "judge": judge,
                "assigned": row["assigned"],
                "marked": row["marked"],
                "thirds": row["thirds"],
                "left": row["assigned"] - row["marked"],
            }
        )
    # Judges removed from the panel after they were given entries still count.
    for judge in Judge.objects.filter(pk__in=per_judge).select_related("user", "home_unit"):
        row = per_judge[judge.pk]
        judges.append(
            {
                "judge": judge,
                "assigned": row["assigned"],
                "marked": row["marked"],
                "thirds": row["thirds"],
                "left": row["assigned"] - row["marked"],
            }
        )
    awaiting_third = 0
    gap = panel.task.third_mark_gap
    by_entry: dict[int, list] = {}
    for entry_id, total, marked_at in Assignment.objects.filter(
        panel=panel, entry__in=entries.filter(**{f"{field_name}__isnull": True})
    ).values_list("entry_id", "total", "marked_at"):
        by_entry.setdefault(entry_id, []).append((total, marked_at))
    for rows in by_entry.values():
        totals = [t for t, at in rows if at is not None]
        if len(rows) == len(totals) and mark_rules.needs_third(totals, gap=gap):
            awaiting_third += 1
    return PanelProgress(
        entries=counts["n"],
        unassigned=unassigned,
        settled=counts["settled"],
        awaiting_third=awaiting_third,
        judges=judges,
    )


def marks_export_rows(panel: Panel) -> tuple[list[str], list[list]]:
    """One row per assignment of the panel: entry code, turn, judge, each criterion's marks,
    the judge's total, the entry's mark at this stage. No person: the code only (the panel's
    own export, also before the marks are final)."""
    criteria = rubric(panel.task_id)
    header = [_("Mã bài"), _("Lượt chấm"), _("Giám khảo")]
    header += [
        _("%(name)s (tối đa %(max)s, hệ số %(weight)s)")
        % {"name": c.name, "max": c.max_marks, "weight": c.weight}
        for c in criteria
    ]
    header += [_("Tổng điểm của giám khảo"), _("Chấm xong lúc"), _("Điểm của bài")]
    field_name = "preliminary_mark" if panel.stage == Entry.Stage.PRELIMINARY else "final_mark"
    marks: dict[tuple[int, int], Decimal] = {
        (a, c): m
        for a, c, m in Mark.objects.filter(assignment__panel=panel).values_list(
            "assignment_id", "criterion_id", "marks"
        )
    }
    rows = []
    for a in (
        Assignment.objects.filter(panel=panel)
        .select_related("entry", "judge__user")
        .order_by("entry__code", "turn")
    ):
        rows.append(
            [a.entry.code, a.turn, a.judge.user.get_full_name() or a.judge.user.get_username()]
            + [marks.get((a.pk, c.pk)) for c in criteria]
            + [a.total, a.marked_at, getattr(a.entry, field_name)]
        )
    return header, rows


def final_panel(task: EssayTask) -> Panel | None:
    return Panel.objects.filter(task=task, stage=Entry.Stage.FINAL).first()


def marking_final(task: EssayTask) -> bool:
    """The city's final marking is closed: the final marks decide the prizes."""
    panel = final_panel(task)
    return panel is not None and panel.closed_at is not None


def essay_ranking(
    task: EssayTask, *, mc_scores: dict[int, Decimal] | None = None, combined: bool = False
) -> list[dict]:
    """The final-stage entries with a final mark, best first (essays.rules.ranking.prize_key):
    dicts with registration_id, entry_id, code, final_mark and score (the final mark, or the
    combined score when `combined`, from `mc_scores` registration id → multiple-choice score
    out of 100, which scoring supplies: essays does not read scoring)."""
    top = mark_rules.max_total(
        list(Criterion.objects.filter(task=task).values_list("max_marks", "weight"))
    )
    rows = []
    for entry_id, registration_id, code, final_mark, submitted_at in Entry.objects.filter(
        task=task, stage=Entry.Stage.FINAL, final_mark__isnull=False
    ).values_list("pk", "registration_id", "code", "final_mark", "submitted_at"):
        score = (
            ranking_rules.combined_score(
                final_mark=final_mark,
                max_total=top,
                mc_score=(mc_scores or {}).get(registration_id),
                mc_weight=task.mc_weight,
            )
            if combined
            else final_mark
        )
        rows.append(
            {
                "entry_id": entry_id,
                "registration_id": registration_id,
                "code": code,
                "final_mark": final_mark,
                "score": score,
                "submitted_at": submitted_at,
            }
        )
    rows.sort(
        key=lambda r: ranking_rules.prize_key(
            score=r["score"],
            final_mark=r["final_mark"],
            submitted_at=r["submitted_at"],
            entry_id=r["entry_id"],
        )
    )
    return rows


def essay_task_for(*, contest_id: int, round_id: int | None) -> EssayTask | None:
    """The essay task whose final marks a prize structure ranks: the one of the structure's
    round, else the contest's first."""
    tasks = EssayTask.objects.filter(contest_id=contest_id)
    return tasks.filter(round_id=round_id).first() or tasks.order_by("pk").first()
