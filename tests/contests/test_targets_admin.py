"""Targets in the admin: "N % for every child" in one step, the form's rules, and scoping (an
organiser sets targets only below its own unit; another district's target is a 404)."""

import pytest
from django.test import Client

from contests.models import UnitTarget
from tests.factories import ContestFactory


@pytest.fixture
def contest(tree):
    return ContestFactory(owner_unit=tree["C"], participation_root=tree["C"], status="open")


def test_children_targets_and_scoping(tree, contest, organisers):
    a = Client()
    a.force_login(organisers["a"])
    url = "/quan-tri/contests/unittarget/dat-cho-don-vi-truc-thuoc/"
    assert a.get(url).status_code == 200
    response = a.post(url, {"contest": contest.pk, "parent": tree["A"].pk, "percent": 70})
    assert response.status_code == 302
    targets = UnitTarget.objects.filter(contest=contest).order_by("unit__code")
    assert [(t.unit.code, t.people, t.percent) for t in targets] == [
        ("A-1", None, 70),
        ("A-2", None, 70),
    ]
    # Kept unless asked to replace; replaced when asked.
    UnitTarget.objects.filter(unit=tree["A-1"]).update(percent=None, people=150)
    a.post(url, {"contest": contest.pk, "parent": tree["A"].pk, "percent": 80})
    assert UnitTarget.objects.get(unit=tree["A-1"]).people == 150
    a.post(url, {"contest": contest.pk, "parent": tree["A"].pk, "percent": 80, "replace": "on"})
    assert UnitTarget.objects.get(unit=tree["A-1"]).percent == 80
    # District A cannot reach district B's units: the parent is refused, nothing written.
    text = a.post(url, {"contest": contest.pk, "parent": tree["B"].pk, "percent": 50})
    assert "Hãy chọn một lựa chọn hợp lệ" in text.content.decode()
    assert not UnitTarget.objects.filter(unit=tree["B-1"]).exists()
    # The add form: people XOR percent, a share needs a headcount.
    add = "/quan-tri/contests/unittarget/add/"
    page = a.post(add, {"contest": contest.pk, "unit": tree["A"].pk, "people": 5, "percent": 5})
    assert (
        "Nhập chỉ tiêu theo số người hoặc theo tỷ lệ phần trăm, chỉ một trong hai."
        in page.content.decode()
    )
    # District B's organiser does not see district A's targets: 404 on the change page.
    b = Client()
    b.force_login(organisers["b"])
    target = UnitTarget.objects.get(unit=tree["A-2"])
    assert b.get(f"/quan-tri/contests/unittarget/{target.pk}/change/").status_code == 404
    assert "Phường A2" not in b.get("/quan-tri/contests/unittarget/").content.decode()
