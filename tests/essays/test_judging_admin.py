"""Judging in the admin through the real views: a judge made by a district organiser, panels
and the balanced assignment as an action, assignment by hand refused in Vietnamese on a
conflict, progress per judge and panel, forwarding and closing as actions, and the marks
export read back with LibreOffice (headless)."""

import csv
import io
import os
import shutil
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from essays.models import Assignment, Entry, Judge, Panel
from essays.services.judging import marks_save, panel_assign
from tests.essays import judging_support as js

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def soffice_path():
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("LibreOffice is required here (REQUIRE_BROWSER=1) but is not installed")
        pytest.skip("LibreOffice is not installed: spreadsheet check skipped")
    return path


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def setup(tree, organisers):
    task = js.essay_task(tree)
    judges = [
        js.judge(tree["B"], "gk_b"),
        js.judge(tree["C-D-1"], "gk_so"),
        js.judge(tree["A-1"], "=gk_a1"),
    ]
    panel = js.panel(task, tree["A"], judges)
    entries = [js.entry(task, tree["A-1" if i % 2 else "A-2"]) for i in range(4)]
    return {"task": task, "panel": panel, "judges": judges, "entries": entries}


def test_district_organiser_makes_a_judge(tree, organisers):
    client = admin_client(organisers["a"])
    url = reverse("admin:essays_judge_add")
    page = client.get(url)
    assert page.status_code == 200
    assert "Phường B1" not in page.content.decode()  # units outside the subtree are not offered
    response = client.post(
        url,
        {
            "username": "gk_moi",
            "full_name": "Lê Văn Nam",
            "password": "mot-mat-khau-dai-123",
            "home_unit": tree["A-1"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    judge = Judge.objects.get(user__username="gk_moi")
    assert judge.home_unit == tree["A-1"] and not judge.user.is_staff
    assert judge.user.check_password("mot-mat-khau-dai-123")
    # Outside the subtree, a taken name, a weak password: Vietnamese errors, nothing made.
    before = get_user_model().objects.count()
    for data, message in [
        ({"home_unit": tree["B-1"].pk}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"username": "GK_MOI"}, "Tên đăng nhập này đã có người dùng."),
        ({"password": "123"}, "Mật khẩu"),
    ]:
        response = client.post(
            url,
            {
                "username": "gk_hai",
                "full_name": "A",
                "password": "mot-mat-khau-dai-123",
                "home_unit": tree["A-1"].pk,
            }
            | data,
        )
        assert response.status_code == 200
        text = response.content.decode()
        assert message in text, text[text.find("errorlist") - 300 :][:1500]
    assert get_user_model().objects.count() == before


def test_assign_action_progress_and_forward(setup, organisers):
    client = admin_client(organisers["a"])
    panel, task = setup["panel"], setup["task"]
    changelist = reverse("admin:essays_panel_changelist")
    response = client.post(
        changelist, {"action": "assign_action", "_selected_action": [panel.pk]}, follow=True
    )
    assert "đã phân công 8 lượt chấm." in response.content.decode()
    progress_url = reverse("admin:essays_panel_progress", args=[panel.pk])
    page = client.get(progress_url).content.decode()
    assert "Số bài: 4" in page and "Đã có điểm: 0" in page and "Chưa phân công: 0" in page
    response = client.post(
        changelist, {"action": "forward_action", "_selected_action": [panel.pk]}, follow=True
    )
    assert "Còn 4 bài chưa có điểm sơ khảo" in response.content.decode()
    assert not Entry.objects.filter(stage=Entry.Stage.FINAL).exists()
    for a in Assignment.objects.filter(panel=panel).select_related("entry"):
        marks_save(assignment=a, judge=a.judge, values=js.values(task, 7, 6, "Khá"))
    page = client.get(progress_url).content.decode()
    assert "Đã có điểm: 4" in page and "Đã chấm xong tất cả các bài." in page
    response = client.post(
        changelist, {"action": "forward_action", "_selected_action": [panel.pk]}, follow=True
    )
    assert "đã gửi 2 bài lên ban giám khảo chung khảo." in response.content.decode()
    assert Entry.objects.filter(stage=Entry.Stage.FINAL).count() == 2
    # District B's organiser: neither the progress page nor the export.
    other = admin_client(organisers["b"])
    assert other.get(progress_url).status_code == 404
    assert other.get(reverse("admin:essays_panel_export", args=[panel.pk])).status_code == 404
    assert other.get("/quan-tri/essays/panel/abc/tien-do/").status_code == 404


def test_hand_assignment_refuses_a_conflict_in_vietnamese(setup, organisers):
    client = admin_client(organisers["a"])
    panel = setup["panel"]
    a1_entry = next(e for e in setup["entries"] if e.registration.unit.code == "A-1")
    a1_judge = setup["judges"][2]
    url = reverse("admin:essays_assignment_add")
    response = client.post(
        url, {"panel": panel.pk, "entry_code": a1_entry.code, "judge": a1_judge.pk}
    )
    assert response.status_code == 200
    assert (
        "Giám khảo không được chấm bài của người dự thi thuộc đơn vị mình công tác."
        in response.content.decode()
    )
    response = client.post(url, {"panel": panel.pk, "entry_code": "KHONGCO", "judge": a1_judge.pk})
    assert "Không có bài mang mã này trong ban giám khảo đã chọn." in response.content.decode()
    assert not Assignment.objects.exists()
    response = client.post(
        url,
        {"panel": panel.pk, "entry_code": a1_entry.code.lower(), "judge": setup["judges"][0].pk},
    )
    text = response.content.decode()
    assert response.status_code == 302, text[text.find("errorlist") - 300 :][:1500]
    assignment = Assignment.objects.get()
    assert assignment.entry == a1_entry and assignment.turn == 1
    # Taken back while unmarked.
    response = client.post(
        reverse("admin:essays_assignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert response.status_code == 302 and not Assignment.objects.exists()


def test_final_panel_belongs_to_the_contest_owner(setup, organisers, tree):
    client = admin_client(organisers["city"])
    response = client.post(
        reverse("admin:essays_panel_add"),
        {"task": setup["task"].pk, "unit": tree["A"].pk, "stage": "final", "name": "Chung khảo"},
    )
    assert response.status_code == 200
    assert (
        "Ban giám khảo chung khảo thuộc đơn vị tổ chức cuộc thi (Thành phố)."
        in response.content.decode()
    )
    response = client.post(
        reverse("admin:essays_panel_add"),
        {"task": setup["task"].pk, "unit": tree["A"].pk, "stage": "preliminary", "name": "Trùng"},
    )
    assert "Đơn vị này đã có ban giám khảo cho vòng chấm này." in response.content.decode()
    assert Panel.objects.count() == 1


def test_marks_export_read_back_with_libreoffice(setup, organisers, soffice_path, tmp_path):
    panel, task = setup["panel"], setup["task"]
    formula = setup["judges"][2].user
    formula.first_name, formula.last_name = "=SUM(1;1)", ""
    formula.save()
    panel_assign(panel=panel, by=organisers["a"], seed=2)
    marked = Assignment.objects.filter(panel=panel).order_by("entry__code", "turn").first()
    marks_save(assignment=marked, judge=marked.judge, values=js.values(task, "7,5", 6))
    response = admin_client(organisers["a"]).get(
        reverse("admin:essays_panel_export", args=[panel.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Mã bài" and sheet.max_row == 9
    source = tmp_path / "diem.xlsx"
    source.write_bytes(response.content)
    subprocess.run(
        [
            soffice_path,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with open(tmp_path / "diem.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0][:5] == [
        "Mã bài",
        "Lượt chấm",
        "Giám khảo",
        "Nội dung (tối đa 10, hệ số 2)",
        "Hình thức trình bày (tối đa 10, hệ số 1)",
    ]
    assert len(rows) == 9
    first = rows[1]
    assert first[0] == marked.entry.code and first[1] == "1"
    assert first[3] == "7.5" and first[4] == "6" and first[5] == "21"
    # A name that looks like a formula stays text, as typed.
    assert "=SUM(1;1)" in {r[2] for r in rows[1:]}
    for row in rows[1:]:
        assert all(setup["entries"][0].registration.participant.full_name not in c for c in row)
