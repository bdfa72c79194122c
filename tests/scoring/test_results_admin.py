"""Publishing results through the real contest admin (CSRF enforced): the buttons call the one
service that checks, freezes the prize list and moves the status together; the read-only
prize list of a snapshot; refusals in Vietnamese with nothing written; scoping."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.models import Contest, ContestChange, PrizeStructure, PrizeTier
from scoring.models import Attempt, RegradeJob, ResultsSnapshot
from scoring.selectors.prizes import prizes_allocate
from scoring.services.disqualification import registration_disqualify
from scoring.services.grading import attempts_grade
from tests.contests.helpers import form_fields
from tests.scoring.grading_data import (
    bank_contest,
    contest_close,
    contest_questions,
    make_attempt,
    register,
)

pytestmark = pytest.mark.django_db

IND = PrizeTier.Kind.INDIVIDUAL


@pytest.fixture
def closed(tree):
    """A closed city contest with the prediction answer entered and every attempt graded:
    Ánh (A-1) 5/5, Bình (B-1) 4/5, a 15-year-old without guardian consent (A-2) 3/5, Dũng
    (A-1) 2/5. Prizes: one first prize of 2 million, two second prizes of 1 million."""
    contest = bank_contest(tree, questions=5)
    questions = contest_questions(contest)
    people = {}
    for name, unit, correct in [
        ("Trần Thị Ánh", "A-1", 5),
        ("Lê Văn Bình", "B-1", 4),
        ("Phạm Minh Châu", "A-2", 3),
        ("Ngô Văn Dũng", "A-1", 2),
    ]:
        extra = {"age_on_reference": 15} if name == "Phạm Minh Châu" else {}
        people[name] = register(contest, tree[unit], participant__full_name=name, **extra)
        make_attempt(people[name], questions, correct=correct)
    attempts_grade(attempt_ids=Attempt.objects.values_list("id", flat=True))
    structure = PrizeStructure.objects.create(contest=contest, title="Giải thành phố")
    PrizeTier.objects.create(
        structure=structure, kind=IND, rank_order=1, name="Giải Nhất", count=1, amount=2_000_000
    )
    PrizeTier.objects.create(
        structure=structure, kind=IND, rank_order=2, name="Giải Nhì", count=2, amount=1_000_000
    )
    contest_close(contest, prediction_actual=1)
    return contest, people


def browser(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def change_url(contest):
    return reverse("admin:contests_contest_change", args=[contest.pk])


def prizes_url(contest):
    return reverse("admin:contests_contest_prizes", args=[contest.pk])


def click(client, contest, transition, **data):
    """Open the contest page, press the button of `transition` (as a browser submits it:
    the form's CSRF token plus the button's own name and value); the messages shown."""
    page = client.get(change_url(contest))
    assert page.status_code == 200
    fields = form_fields(page, "transition-form")
    url = reverse("admin:contests_contest_transition", args=[contest.pk, transition])
    response = client.post(url, {**fields, **data}, follow=True)
    assert response.redirect_chain == [(change_url(contest), 302)]
    return [str(m) for m in response.context["messages"]]


def nothing_written(contest, status=Contest.Status.CLOSED):
    contest.refresh_from_db()
    assert contest.status == status
    assert not ResultsSnapshot.objects.filter(contest=contest).exists()
    assert not ContestChange.objects.filter(contest=contest).exists()


def test_publish_button_freezes_snapshot_v1_and_moves_the_status(closed, organisers):
    contest, people = closed
    client = browser(organisers["city"])
    page = client.get(change_url(contest)).content.decode()
    assert "Công bố kết quả</button>" in page
    assert "Công bố lại kết quả (phiên bản mới)" not in page
    live = prizes_allocate(contest=contest).rows

    messages = click(client, contest, "cong-bo-ket-qua")

    assert messages == [f"Đã công bố kết quả cuộc thi “{contest.title}” (phiên bản 1)."]
    contest.refresh_from_db()
    assert contest.status == Contest.Status.RESULTS_PUBLISHED
    snapshot = ResultsSnapshot.objects.get(contest=contest)
    assert (snapshot.version, snapshot.prizes, snapshot.published_by) == (
        1,
        live,
        organisers["city"],
    )
    assert [(r["tier"], r["winner_name"]) for r in snapshot.prizes] == [
        ("Giải Nhất", "Trần Thị Ánh"),
        ("Giải Nhì", "Lê Văn Bình"),
        ("Giải Nhì", f"Người dự thi #{people['Phạm Minh Châu'].pk}"),
    ]
    assert snapshot.budget["used"] == 4_000_000
    status = ContestChange.objects.get(contest=contest)
    assert (status.what, status.before, status.after) == (
        "status",
        {"status": "closed"},
        {"status": "results_published"},
    )
    page = client.get(change_url(contest)).content.decode()
    assert "Công bố lại kết quả (phiên bản mới)" in page
    assert "Danh sách giải đã công bố (phiên bản 1)" in page
    # A second press of the first-publication button (a double click) makes no version 2.
    messages = click(client, contest, "cong-bo-ket-qua")
    assert messages == [
        f"{contest.title}: Kết quả cuộc thi đã được công bố (phiên bản 1). Muốn công bố lại, "
        "hãy bấm “Công bố lại kết quả (phiên bản mới)”."
    ]
    assert ResultsSnapshot.objects.filter(contest=contest).count() == 1


def test_prize_list_page_is_read_only_and_hides_minors_without_consent(closed, organisers):
    contest, people = closed
    client = browser(organisers["city"])
    assert client.get(prizes_url(contest)).status_code == 404  # nothing published yet
    click(client, contest, "cong-bo-ket-qua")

    response = client.get(prizes_url(contest))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Phiên bản 1",
        "Giải thành phố",
        "Giải Nhất",
        "Trần Thị Ánh",
        "Phường A1 (A-1)",
        "2.000.000 đồng",
        "Lê Văn Bình",
        "Phường B1 (B-1)",
        f"Người dự thi #{people['Phạm Minh Châu'].pk}",
        "4.000.000 đồng",  # used
    ]:
        assert text in html, text
    assert "Phạm Minh Châu" not in html
    assert "Ngô Văn Dũng" not in html
    # Nothing to edit here: the one form starts the certificates (test_certificates.py).
    content = html.split('id="content-main"')[1]
    assert content.count("<form") == 1
    assert '<form method="post" action="/quan-tri/scoring/certificatejob/cap/' in content
    assert client.get(prizes_url(contest), {"phien-ban": "7"}).status_code == 404


def test_republish_makes_version_2_and_records_it(closed, organisers):
    contest, people = closed
    client = browser(organisers["city"])
    click(client, contest, "cong-bo-ket-qua")
    registration_disqualify(
        registration=people["Trần Thị Ánh"], reason_code="cheating", user=organisers["city"]
    )

    messages = click(client, contest, "cong-bo-lai-ket-qua", **{"phien-ban": "1"})

    assert messages == [f"Đã công bố lại kết quả cuộc thi “{contest.title}”: phiên bản 2."]
    first, second = ResultsSnapshot.objects.filter(contest=contest).order_by("version")
    assert first.prizes[0]["winner_name"] == "Trần Thị Ánh"  # version 1 unchanged
    assert [r["winner_name"] for r in second.prizes][:2] == [
        "Lê Văn Bình",
        f"Người dự thi #{people['Phạm Minh Châu'].pk}",
    ]
    change = ContestChange.objects.get(contest=contest, what="results_published")
    assert (change.before, change.after, change.user) == (
        {"version": 1},
        {"version": 2},
        organisers["city"],
    )
    html = client.get(prizes_url(contest)).content.decode()
    # Ánh is named only in what changed (she left the list), not in version 2's list.
    prize_list = html.split("Tổng giá trị giải theo cơ cấu")[1]
    assert "Phiên bản 2" in html and "Trần Thị Ánh" not in prize_list
    html = client.get(prizes_url(contest), {"phien-ban": "1"}).content.decode()
    assert "Phiên bản 1" in html and "Trần Thị Ánh" in html

    # A page opened before version 2 (it posts version 1) makes no third version.
    messages = click(client, contest, "cong-bo-lai-ket-qua", **{"phien-ban": "1"})
    assert messages == [
        f"{contest.title}: Kết quả vừa được công bố lại (phiên bản 2) trong lúc bạn xem trang: "
        "hãy tải lại trang, xem danh sách giải rồi quyết định."
    ]
    assert ResultsSnapshot.objects.filter(contest=contest).count() == 2


def test_the_republish_button_posts_the_version_shown(closed, organisers):
    contest, _people = closed
    client = browser(organisers["city"])
    click(client, contest, "cong-bo-ket-qua")
    page = client.get(change_url(contest)).content.decode()
    assert 'name="phien-ban" value="1"' in page


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (
            "not_closed",
            "Cuộc thi chưa kết thúc: chưa thể công bố kết quả.",
        ),
        (
            "pending",
            "Còn 1 bài thi chưa chấm xong: hãy chờ chấm xong rồi công bố.",
        ),
        (
            "no_prediction",
            "Chưa nhập đáp án câu hỏi dự đoán (dùng để xếp hạng).",
        ),
        (
            "regrading",
            "Còn 1 đợt chấm lại chưa xong: hãy chờ chấm lại xong rồi công bố.",
        ),
    ],
)
def test_refusals_are_clear_and_write_nothing(closed, organisers, setup, message):
    contest, people = closed
    status = Contest.Status.CLOSED
    if setup == "not_closed":
        status = Contest.Status.PUBLISHED
        Contest.objects.filter(pk=contest.pk).update(
            status=status, closes_at=timezone.now() + datetime.timedelta(days=1)
        )
    elif setup == "pending":
        make_attempt(people["Ngô Văn Dũng"], contest_questions(contest), correct=5)
    elif setup == "no_prediction":
        Contest.objects.filter(pk=contest.pk).update(prediction_actual=None)
    else:
        RegradeJob.objects.create(contest=contest, status=RegradeJob.Status.RUNNING)
    contest.refresh_from_db()
    client = browser(organisers["city"])
    if setup != "not_closed":
        messages = click(client, contest, "cong-bo-ket-qua")
    else:  # no results button on a running contest's page: post as a forged request would
        page = client.get(change_url(contest))
        assert "Công bố kết quả</button>" not in page.content.decode()
        url = reverse("admin:contests_contest_transition", args=[contest.pk, "cong-bo-ket-qua"])
        response = client.post(url, form_fields(page, "transition-form"), follow=True)
        messages = [str(m) for m in response.context["messages"]]
    assert messages == [f"{contest.title}: {message}"]
    nothing_written(contest, status)


def test_republish_without_a_version_is_refused(closed, organisers):
    contest, _people = closed
    client = browser(organisers["city"])
    click(client, contest, "cong-bo-ket-qua")
    messages = click(client, contest, "cong-bo-lai-ket-qua")  # the button's value left out
    assert messages == [
        f"{contest.title}: Thiếu số phiên bản kết quả đang công bố: hãy tải lại trang rồi thử lại."
    ]
    assert ResultsSnapshot.objects.filter(contest=contest).count() == 1
    # Not a version number ("²" passes str.isdigit but not int()): the same message.
    messages = click(client, contest, "cong-bo-lai-ket-qua", **{"phien-ban": "²"})
    assert messages[0].endswith("hãy tải lại trang rồi thử lại.")
    assert client.get(change_url(contest).replace(f"/{contest.pk}/", "/²/")).status_code == 404
    prizes = reverse("admin:contests_contest_prizes", args=[contest.pk])
    assert client.get(prizes, {"phien-ban": "²"}).status_code == 404
    assert ResultsSnapshot.objects.filter(contest=contest).count() == 1


def test_organisers_outside_the_owner_subtree_are_refused(closed, organisers, tree):
    contest, _people = closed
    publish = reverse("admin:contests_contest_transition", args=[contest.pk, "cong-bo-ket-qua"])
    # District B takes part in the city contest (sees it read only) but does not own it.
    client = browser(organisers["b"])
    page = client.get(change_url(contest))
    assert page.status_code == 200
    assert "Công bố kết quả</button>" not in page.content.decode()
    client.cookies["csrftoken"] = "x" * 32
    assert client.post(publish, {"csrfmiddlewaretoken": "x" * 32}).status_code == 403
    nothing_written(contest)

    # A contest owned by district A is not even visible to district B.
    Contest.objects.filter(pk=contest.pk).update(owner_unit=tree["A"], participation_root=tree["A"])
    assert client.post(publish, {"csrfmiddlewaretoken": "x" * 32}).status_code == 404
    nothing_written(contest)

    # Once published (by district A), B can see neither the list nor publish again.
    assert click(browser(organisers["a"]), contest, "cong-bo-ket-qua")[0].startswith(
        "Đã công bố kết quả"
    )
    assert client.get(prizes_url(contest)).status_code == 404
    again = reverse("admin:contests_contest_transition", args=[contest.pk, "cong-bo-lai-ket-qua"])
    response = client.post(again, {"csrfmiddlewaretoken": "x" * 32, "phien-ban": "1"})
    assert response.status_code == 404
    assert ResultsSnapshot.objects.filter(contest=contest).count() == 1


def test_the_list_action_publishes_through_the_same_service(closed, organisers):
    contest, _people = closed
    client = browser(organisers["city"])
    changelist = reverse("admin:contests_contest_changelist")
    token = form_fields(client.get(changelist), "changelist-form")["csrfmiddlewaretoken"]
    response = client.post(
        changelist,
        {
            "csrfmiddlewaretoken": token,
            "action": "publish_results_selected",
            "_selected_action": [contest.pk],
        },
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"Đã công bố kết quả cuộc thi “{contest.title}” (phiên bản 1)."
    ]
    contest.refresh_from_db()
    assert contest.status == Contest.Status.RESULTS_PUBLISHED
    assert ResultsSnapshot.objects.get(contest=contest).version == 1


def test_snapshot_and_status_are_written_together_or_not_at_all(closed, organisers, monkeypatch):
    """If the status step fails, the snapshot made in the same transaction is rolled back."""
    from scoring.services import prizes

    contest, _people = closed

    def broken(**kwargs):
        raise RuntimeError("status step failed")

    monkeypatch.setattr(prizes, "contest_results_published_mark", broken)
    with pytest.raises(RuntimeError):
        prizes.results_publish(contest=contest, user=organisers["city"])
    nothing_written(contest)
