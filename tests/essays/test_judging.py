"""The judging pipeline through its services (real PostgreSQL): balanced assignment without
conflicts, marks and the third judge, forwarding a district's best, the city's final marks,
closing, and the essay ranking."""

from collections import Counter
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Group

from contests.models import ContestChange
from contests.refusals import Refused
from contests.services.units import JUDGE_GROUP
from essays.models import Assignment, Entry, Mark
from essays.selectors.judging import (
    essay_ranking,
    marking_final,
    next_assignment,
    panel_progress,
)
from essays.services.judging import (
    MarksRefused,
    assignment_add,
    judge_add,
    marks_save,
    panel_assign,
    panel_close,
    panel_forward,
)
from tests.essays import judging_support as js

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(tree, organisers):
    """District A's preliminary panel: a judge from ward A1, one from a department, one from
    district B; six entries from wards A1 and A2."""
    task = js.essay_task(tree)
    judges = [
        js.judge(tree["A-1"], "gk_a1"),
        js.judge(tree["C-D-1"], "gk_so"),
        js.judge(tree["B"], "gk_b"),
    ]
    panel = js.panel(task, tree["A"], judges)
    entries = [js.entry(task, tree["A-1" if i % 2 else "A-2"]) for i in range(6)]
    return {"task": task, "panel": panel, "judges": judges, "entries": entries, "tree": tree}


def _by_entry(panel):
    out: dict[int, list] = {}
    for a in Assignment.objects.filter(panel=panel):
        out.setdefault(a.entry_id, []).append(a)
    return out


def _mark_all(panel, totals_by_entry):
    """Each judge marks each of their assignments: (content, form) from the table."""
    for a in Assignment.objects.filter(panel=panel, marked_at__isnull=True).select_related("entry"):
        first, second = totals_by_entry(a)
        marks_save(assignment=a, judge=a.judge, values=js.values(panel.task, first, second))


def test_assign_two_distinct_judges_never_from_the_entrys_ward(district, organisers):
    outcome = panel_assign(panel=district["panel"], by=organisers["a"], seed=7)
    assert outcome.created == 12 and outcome.unplaced == []
    gk_a1 = district["judges"][0]
    for entry_id, assignments in _by_entry(district["panel"]).items():
        entry = Entry.objects.get(pk=entry_id)
        assert len({a.judge_id for a in assignments}) == 2
        assert sorted(a.turn for a in assignments) == [1, 2]
        if entry.registration.unit.code == "A-1":
            assert gk_a1.pk not in {a.judge_id for a in assignments}
    # Assigning again gives nothing new: every entry has its judges.
    assert panel_assign(panel=district["panel"], by=organisers["a"]).created == 0
    assert ContestChange.objects.filter(what="essay_panel_assign").count() == 2


def test_assign_balanced_without_conflicts(tree, organisers):
    task = js.essay_task(tree)
    judges = [js.judge(tree["B"]) for _ in range(4)]
    panel = js.panel(task, tree["A"], judges)
    for _ in range(11):
        js.entry(task, tree["A-1"])
    panel_assign(panel=panel, by=organisers["a"])
    loads = Counter(Assignment.objects.filter(panel=panel).values_list("judge_id", flat=True))
    assert sum(loads.values()) == 22
    assert max(loads.values()) - min(loads.values()) <= 1


def test_assign_refusals_write_nothing(district, organisers, tree):
    panel = district["panel"]
    with pytest.raises(Refused, match="không có quyền"):
        panel_assign(panel=panel, by=organisers["b"])
    panel.judges.set(district["judges"][:1])
    with pytest.raises(Refused, match="ít nhất 2 giám khảo"):
        panel_assign(panel=panel, by=organisers["a"])
    assert not Assignment.objects.exists()


def test_entry_without_two_eligible_judges_is_reported(tree, organisers):
    task = js.essay_task(tree)
    panel = js.panel(task, tree["A"], [js.judge(tree["A"]), js.judge(tree["B"])])
    e = js.entry(task, tree["A-1"])
    outcome = panel_assign(panel=panel, by=organisers["a"])
    assert outcome.unplaced == [e.code] and outcome.created == 0


def test_marks_two_close_judges_give_the_mean(district, organisers):
    panel = district["panel"]
    panel_assign(panel=panel, by=organisers["a"], seed=1)
    entry = district["entries"][0]
    first, second = Assignment.objects.filter(entry=entry).order_by("turn")
    marks_save(assignment=first, judge=first.judge, values=js.values(panel.task, 8, "7,5", "Tốt"))
    first.refresh_from_db()
    assert first.total == D("23.50") and first.marked_at is not None
    entry.refresh_from_db()
    assert entry.preliminary_mark is None  # one judge is not enough
    marks_save(assignment=second, judge=second.judge, values=js.values(panel.task, 9, 8))
    entry.refresh_from_db()
    assert entry.preliminary_mark == D("24.75")  # (23.5 + 26) / 2


def test_marks_refused_write_nothing(district, organisers):
    panel = district["panel"]
    panel_assign(panel=panel, by=organisers["a"], seed=1)
    a = Assignment.objects.filter(entry=district["entries"][0]).first()
    for bad in [("11", "5"), ("", "5"), ("bảy", "5"), ("-1", "5"), ("7.125", "1")]:
        with pytest.raises(MarksRefused) as caught:
            marks_save(assignment=a, judge=a.judge, values=js.values(panel.task, *bad))
        assert caught.value.errors
    other = next(j for j in district["judges"] if j.pk != a.judge_id)
    with pytest.raises(Refused, match="không được phân công cho bạn"):
        marks_save(assignment=a, judge=other, values=js.values(panel.task, 5, 5))
    a.refresh_from_db()
    assert a.marked_at is None and not Mark.objects.exists()


def test_third_judge_when_two_differ_by_more_than_the_gap(district, organisers):
    panel = district["panel"]
    panel_assign(panel=panel, by=organisers["a"], seed=3)
    entry = district["entries"][0]  # ward A2: all three judges may mark it
    first, second = Assignment.objects.filter(entry=entry).order_by("turn")
    marks_save(assignment=first, judge=first.judge, values=js.values(panel.task, 10, 10))  # 30
    marks_save(assignment=second, judge=second.judge, values=js.values(panel.task, 5, 4))  # 14
    third = Assignment.objects.get(entry=entry, turn=3)
    assert third.judge_id not in {first.judge_id, second.judge_id}
    entry.refresh_from_db()
    assert entry.preliminary_mark is None
    assert panel_progress(panel).awaiting_third == 0  # it has its third judge
    marks_save(assignment=third, judge=third.judge, values=js.values(panel.task, 9, 8))  # 26
    entry.refresh_from_db()
    assert entry.preliminary_mark == D("28.00")  # the two closest: 30 and 26


def test_no_eligible_third_judge_is_shown_in_progress_and_can_be_added_by_hand(tree, organisers):
    task = js.essay_task(tree)
    j1, j2, a1 = js.judge(tree["B"]), js.judge(tree["C-D-1"]), js.judge(tree["A-1"])
    panel = js.panel(task, tree["A"], [j1, j2, a1])
    entry = js.entry(task, tree["A-1"])
    panel_assign(panel=panel, by=organisers["a"])
    for a, (x, y) in zip(
        Assignment.objects.filter(entry=entry).order_by("turn"), [(10, 10), (1, 1)], strict=True
    ):
        marks_save(assignment=a, judge=a.judge, values=js.values(task, x, y))
    assert Assignment.objects.filter(entry=entry).count() == 2
    assert panel_progress(panel).awaiting_third == 1
    with pytest.raises(Refused, match="thuộc đơn vị mình"):
        assignment_add(panel=panel, entry=entry, judge=a1, by=organisers["a"])
    with pytest.raises(Refused, match="đã được phân công"):
        assignment_add(panel=panel, entry=entry, judge=j1, by=organisers["a"])
    outsider = js.judge(tree["B-1"])
    with pytest.raises(Refused, match="không thuộc ban giám khảo"):
        assignment_add(panel=panel, entry=entry, judge=outsider, by=organisers["a"])
    panel.judges.add(outsider)
    third = assignment_add(panel=panel, entry=entry, judge=outsider, by=organisers["a"])
    assert third.turn == 3
    marks_save(assignment=third, judge=outsider, values=js.values(task, 2, 2))
    entry.refresh_from_db()
    assert entry.preliminary_mark == D("4.50")  # 3 and 6


def _settle_district(district, organisers):
    panel = district["panel"]
    panel_assign(panel=panel, by=organisers["a"], seed=5)
    # Entry i gets i+1 and i+1 on both criteria from both judges: marks 3, 6, ..., 18.
    index = {e.pk: i for i, e in enumerate(district["entries"])}
    _mark_all(panel, lambda a: (index[a.entry_id] + 1, index[a.entry_id] + 1))


def test_forwarding_refused_until_complete_then_the_best_go_to_the_city(district, organisers):
    panel = district["panel"]
    panel_assign(panel=panel, by=organisers["a"], seed=5)
    with pytest.raises(Refused, match="Còn 6 bài chưa có điểm sơ khảo"):
        panel_forward(panel=panel, by=organisers["a"])
    _settle_district(district, organisers)
    assert panel_progress(panel).complete
    with pytest.raises(Refused, match="không có quyền"):
        panel_forward(panel=panel, by=organisers["b"])
    best = panel_forward(panel=panel, by=organisers["a"])
    assert [e.pk for e in best] == [district["entries"][5].pk, district["entries"][4].pk]
    assert set(Entry.objects.filter(stage=Entry.Stage.FINAL).values_list("pk", flat=True)) == {
        e.pk for e in best
    }
    panel.refresh_from_db()
    assert panel.closed_at is not None
    with pytest.raises(Refused, match="đã gửi bài"):
        panel_forward(panel=panel, by=organisers["a"])
    a = Assignment.objects.filter(panel=panel).first()
    with pytest.raises(Refused, match="chốt điểm"):
        marks_save(assignment=a, judge=a.judge, values=js.values(panel.task, 1, 1))
    assert next_assignment(a.judge) is None


def test_final_stage_ranking_and_close(district, organisers, tree):
    _settle_district(district, organisers)
    panel_forward(panel=district["panel"], by=organisers["a"])
    task = district["task"]
    city_judges = [js.judge(tree["C-D-1"], "tp1"), js.judge(tree["B"], "tp2")]
    final = js.panel(task, tree["C"], city_judges, final=True)
    with pytest.raises(Refused, match="không có quyền"):
        panel_assign(panel=final, by=organisers["a"])
    assert panel_assign(panel=final, by=organisers["city"]).created == 4
    assert not marking_final(task)
    with pytest.raises(Refused, match="chưa có điểm chung khảo"):
        panel_close(panel=final, by=organisers["city"])
    e5, e4 = district["entries"][5], district["entries"][4]
    # The city reverses the district's order.
    _mark_all(final, lambda a: (9, 9) if a.entry_id == e4.pk else (5, 5))
    panel_close(panel=final, by=organisers["city"])
    assert marking_final(task)
    ranking = essay_ranking(task)
    assert [r["entry_id"] for r in ranking] == [e4.pk, e5.pk]
    assert [r["score"] for r in ranking] == [D("27.00"), D("15.00")]
    # Combined with the multiple-choice score, 50 % each: e5 has 100 in MC, e4 none.
    task.mc_weight = 50
    ranking = essay_ranking(task, mc_scores={e5.registration_id: D(100)}, combined=True)
    assert [(r["entry_id"], r["score"]) for r in ranking] == [
        (e5.pk, D("75.00")),
        (e4.pk, D("45.00")),
    ]


def test_judge_add_makes_a_non_staff_account_in_the_judge_group(tree, organisers):
    judge = judge_add(
        username="giamkhao1",
        full_name="Trần Thị Hoa",
        password="mat-khau-dai-123",
        home_unit=tree["A-1"],
        by=organisers["a"],
    )
    assert not judge.user.is_staff
    assert judge.user.groups.filter(name=JUDGE_GROUP).exists()
    assert judge.user.first_name == "Hoa" and judge.user.last_name == "Trần Thị"
    with pytest.raises(Refused, match="không có quyền"):
        judge_add(
            username="x2", full_name="A", password="p" * 12, home_unit=tree["B"], by=organisers["a"]
        )
    with pytest.raises(Refused, match="đã có người dùng"):
        judge_add(
            username="GIAMKHAO1",
            full_name="A",
            password="p" * 12,
            home_unit=tree["A"],
            by=organisers["a"],
        )
    assert Group.objects.get(name=JUDGE_GROUP).user_set.count() == 1
