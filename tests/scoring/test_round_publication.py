"""Publishing a round's results (issue 15): the service's checks and what it writes, the
admin's per-round buttons through the real contest page (CSRF enforced), the prize list of a
round's snapshot, and the public winners of a round (`round_winners`, `last_published_round`,
`{% contest_winners contest round %}`)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.models import Contest, ContestChange, Round
from scoring.models import PublishedRank, Result, ResultsSnapshot
from scoring.selectors.prizes import prizes_allocate, round_prize_list
from scoring.selectors.public_results import last_published_round, round_winners, winners_board
from scoring.services.prediction import prediction_actual_compute
from scoring.services.prizes import results_publish
from tests.contests.helpers import form_fields
from tests.scoring.grading_data import (
    bank_contest,
    contest_close,
    contest_questions,
    make_attempt,
)
from tests.scoring.test_prizes_rounds import structure, weekly  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def weeks(weekly):  # noqa: F811 (the imported fixture)
    """`weekly` with a week's prizes per category (2 each) for both weeks and an overall
    prize; the contest's prediction question (asked every round) answered for both weeks."""
    contest, rounds, cat, people = weekly
    for round_ in rounds.values():
        prediction_actual_compute(contest=contest, round=round_)
    for n in (1, 2):
        structure(contest, f"Tuần {n}: cán bộ", [("Nhất", 2)], round=rounds[n], category=cat["cb"])
        structure(
            contest, f"Tuần {n}: học sinh", [("Nhất", 2)], round=rounds[n], category=cat["hs"]
        )
    structure(contest, "Giải chung", [("Đặc biệt", 1)], excludes_round_winners=True)
    return contest, rounds, people


def nothing_written(contest):
    assert not ResultsSnapshot.objects.filter(contest=contest).exists()
    assert not ContestChange.objects.filter(contest=contest, what="results_published").exists()


def refusals(**kwargs) -> list[str]:
    with pytest.raises(ValidationError) as error:
        results_publish(**kwargs)
    return error.value.messages


def test_a_round_is_published_as_its_own_snapshot(weeks, organisers):
    contest, rounds, _people = weeks
    live = prizes_allocate(contest=contest, round=rounds[1]).rows

    snapshot = results_publish(contest=contest, user=organisers["city"], round=rounds[1])

    assert (snapshot.round, snapshot.version, snapshot.prizes) == (rounds[1], 1, live)
    assert round_prize_list(contest=contest, round=rounds[1]) == snapshot.prizes
    assert [r["winner_name"] for r in snapshot.prizes] == ["P0", "P1", "P3", "P4"]
    assert snapshot.budget["used"] == 400_000 and snapshot.changes is None
    # Everyone with a week-1 result is ranked in the week's snapshot (P6 did not take part).
    ranked = PublishedRank.objects.filter(snapshot=snapshot)
    assert ranked.count() == Result.objects.filter(round=rounds[1]).count() == 6
    assert snapshot.rank_totals["overall"] == 6
    # The contest goes on: its status does not change; the publication is audited.
    contest.refresh_from_db()
    assert contest.status == Contest.Status.PUBLISHED
    change = ContestChange.objects.get(contest=contest, what="results_published")
    assert (change.before, change.after, change.user) == (
        {"round": 1, "version": None},
        {"round": 1, "version": 1},
        organisers["city"],
    )


def test_versions_count_per_round_and_a_new_one_replaces_the_latest(weeks, organisers):
    contest, rounds, _people = weeks
    city = organisers["city"]
    results_publish(contest=contest, user=city, round=rounds[1])
    week2 = results_publish(contest=contest, user=city, round=rounds[2])
    assert week2.version == 1

    assert refusals(contest=contest, user=city, round=rounds[1]) == [
        "Kết quả vòng thi “Tuần 1” đã được công bố (phiên bản 1). Muốn công bố lại, hãy bấm "
        "“Công bố lại kết quả vòng (phiên bản mới)”."
    ]
    again = results_publish(contest=contest, user=city, round=rounds[1], replaces=1)
    assert again.version == 2 and again.changes == []
    # A stale page (it saw version 1) makes no third version.
    assert refusals(contest=contest, user=city, round=rounds[1], replaces=1) == [
        "Kết quả vòng thi “Tuần 1” vừa được công bố lại (phiên bản 2) trong lúc bạn xem trang: "
        "hãy tải lại trang, xem danh sách giải rồi quyết định."
    ]
    assert refusals(contest=contest, user=city, round=rounds[2], replaces=None) != []
    assert ResultsSnapshot.objects.filter(contest=contest).count() == 3


def test_round_publication_refusals_write_nothing(weeks, organisers, tree):
    contest, rounds, people = weeks
    city = organisers["city"]
    # The round has not closed.
    Round.objects.filter(pk=rounds[2].pk).update(
        closes_at=timezone.now() + datetime.timedelta(days=1)
    )
    rounds[2].refresh_from_db()
    (message,) = refusals(contest=contest, user=city, round=rounds[2])
    assert message.startswith("Vòng thi “Tuần 2” chưa kết thúc (kết thúc lúc ")
    # An attempt of the round still waiting for grading; the round's own prediction question
    # without its true value.
    questions = contest_questions(contest)
    make_attempt(people[6], questions, correct=1, round=rounds[1], start=rounds[1].opens_at)
    Round.objects.filter(pk=rounds[1].pk).update(
        prediction_text="Bao nhiêu người tham gia?", prediction_actual=None
    )
    rounds[1].refresh_from_db()
    assert refusals(contest=contest, user=city, round=rounds[1]) == [
        "Chưa có đáp án câu hỏi dự đoán của vòng “Tuần 1” (dùng để xếp hạng).",
        "Vòng thi còn 1 bài thi chưa chấm xong: hãy chờ chấm xong rồi công bố.",
    ]
    # Provisional publication is the overall results' only.
    assert refusals(contest=contest, user=city, round=rounds[1], provisional_days=7) == [
        "Kết quả từng vòng được công bố chính thức; công bố tạm thời để nhận phúc khảo chỉ áp "
        "dụng cho kết quả chung của cuộc thi."
    ]
    # A draft contest.
    Contest.objects.filter(pk=contest.pk).update(status=Contest.Status.DRAFT)
    contest.refresh_from_db()
    assert refusals(contest=contest, user=city, round=rounds[1]) == [
        "Cuộc thi chưa được công bố: chưa thể công bố kết quả vòng thi."
    ]
    # District A does not own the city's contest.
    with pytest.raises(PermissionDenied):
        results_publish(contest=contest, user=organisers["a"], round=rounds[1])
    nothing_written(contest)


def test_a_round_of_another_contest_is_refused(weeks, organisers, tree):
    _contest, rounds, _people = weeks
    other = bank_contest(tree, questions=1)
    assert refusals(contest=other, user=organisers["city"], round=rounds[1]) == [
        "Vòng thi này không thuộc cuộc thi."
    ]


def test_the_rounds_own_prediction_counts_its_own_target(weeks, organisers):
    contest, rounds, _people = weeks
    Round.objects.filter(pk=rounds[1].pk).update(
        prediction_text="Bao nhiêu người tham gia tuần này?", prediction_target="participants"
    )
    Contest.objects.filter(pk=contest.pk).update(
        prediction_text="Bao nhiêu bài thi?", prediction_target="attempts"
    )
    rounds[1].refresh_from_db()
    contest.refresh_from_db()
    assert prediction_actual_compute(contest=contest, round=rounds[1]) == 6  # people, week 1
    assert prediction_actual_compute(contest=contest, round=rounds[2]) == 7  # attempts, week 2
    snapshot = results_publish(contest=contest, user=organisers["city"], round=rounds[1])
    assert snapshot.version == 1


def test_the_overall_results_are_versioned_apart_from_the_rounds(
    weeks, organisers, django_capture_on_commit_callbacks
):
    contest, rounds, _people = weeks
    city = organisers["city"]
    results_publish(contest=contest, user=city, round=rounds[1])
    results_publish(contest=contest, user=city, round=rounds[2])
    assert winners_board(contest=contest) is None
    contest_close(contest, prediction_actual=0)
    with django_capture_on_commit_callbacks(execute=True):
        overall = results_publish(contest=contest, user=city)
    assert (overall.round, overall.version) == (None, 1)
    # The overall prize skips the weeks' winners (P0, P1, P3, P4; P0, P6, P3, P5): P2.
    assert [r["winner_name"] for r in overall.prizes] == ["P2"]
    contest.refresh_from_db()
    assert contest.status == Contest.Status.RESULTS_PUBLISHED
    # A round can still be published again after the contest's results.
    assert results_publish(contest=contest, user=city, round=rounds[1], replaces=1).version == 2
    assert winners_board(contest=contest).version == 1


# --- Public: a round's winners ------------------------------------------------------------


def render(contest, round_):
    template = Template("{% load scoring_tags %}{% contest_winners contest round %}")
    return template.render(Context({"contest": contest, "round": round_}))


def test_public_round_winners_and_the_last_published_round(
    weeks, organisers, django_assert_num_queries, django_capture_on_commit_callbacks
):
    contest, rounds, _people = weeks
    assert round_winners(contest=contest, round=rounds[1]) is None
    assert last_published_round(contest=contest) is None
    assert render(contest, "last").strip() == ""

    # Read before publication (cached as "none"), seen at once after it: the cache is
    # cleared when the publication commits.
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(contest=contest, user=organisers["city"], round=rounds[1])
    board = round_winners(contest=contest, round=rounds[1])
    assert (board.round_title, board.version) == ("Tuần 1", 1)
    assert [(s["title"], [w["name"] for w in s["individual"]]) for s in board.structures] == [
        ("Tuần 1: cán bộ", ["P0", "P1"]),
        ("Tuần 1: học sinh", ["P3", "P4"]),
    ]
    assert last_published_round(contest=contest) == rounds[1]
    # The contest's own board stays empty: round snapshots are not the overall results.
    assert winners_board(contest=contest) is None

    html = render(contest, rounds[1])
    assert "Danh sách đoạt giải: Tuần 1" in html and 'id="winners-round-1"' in html
    assert "P0" in html and "Tra cứu kết quả của bạn" in html
    lookup = reverse("scoring:results_lookup", args=[contest.slug])
    assert f'href="{lookup}?vong=1"' in html  # the week's own lookup
    with django_assert_num_queries(0):
        render(contest, rounds[1])  # warm: from the cache

    with django_capture_on_commit_callbacks(execute=True):
        results_publish(contest=contest, user=organisers["city"], round=rounds[2])
    assert last_published_round(contest=contest) == rounds[2]
    assert "Danh sách đoạt giải: Tuần 2" in render(contest, "last")


# --- Admin: the per-round buttons --------------------------------------------------------


def browser(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def change_url(contest):
    return reverse("admin:contests_contest_change", args=[contest.pk])


def press(client, contest, number, **extra):
    """Open the contest page and press round `number`'s button (its own form's fields)."""
    page = client.get(change_url(contest))
    assert page.status_code == 200
    fields = {**form_fields(page, f"round-publish-{number}"), **extra}
    url = reverse("admin:contests_contest_transition", args=[contest.pk, "cong-bo-ket-qua-vong"])
    response = client.post(url, fields, follow=True)
    assert response.redirect_chain == [(change_url(contest), 302)]
    return [str(m) for m in response.context["messages"]]


def test_admin_publishes_a_round_and_again(weeks, organisers):
    contest, rounds, _people = weeks
    Round.objects.create(
        contest=contest,
        number=3,
        title="Tuần 3",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=6),
    )
    client = browser(organisers["city"])
    page = client.get(change_url(contest)).content.decode()
    assert "Kết quả từng vòng" in page
    assert page.count("Công bố kết quả vòng</button>") == 2
    assert "Vòng chưa kết thúc" in page  # week 3

    assert press(client, contest, 1) == [
        f"Đã công bố kết quả Tuần 1 của cuộc thi “{contest.title}” (phiên bản 1)."
    ]
    page = client.get(change_url(contest)).content.decode()
    assert "Công bố lại kết quả vòng (phiên bản mới)" in page
    assert press(client, contest, 1) == [
        f"Đã công bố kết quả Tuần 1 của cuộc thi “{contest.title}” (phiên bản 2)."
    ]
    assert list(
        ResultsSnapshot.objects.filter(contest=contest).values_list("round__number", "version")
    ) == [(1, 2), (1, 1)]

    prizes = reverse("admin:contests_contest_prizes", args=[contest.pk])
    listing = client.get(f"{prizes}?vong={rounds[1].pk}")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Tuần 1: cán bộ" in html and "P0" in html
    assert f"?vong={rounds[1].pk}&amp;phien-ban=1" in html
    assert client.get(f"{prizes}?vong={rounds[1].pk}&phien-ban=1").status_code == 200
    for junk in ("abc", "999999999", str(rounds[2].pk)):
        response = client.get(f"{prizes}?vong={junk}")
        assert response.status_code == 404
    # The contest's own list: no overall results yet.
    assert client.get(prizes).status_code == 404


def test_admin_round_button_refusals(weeks, organisers):
    contest, rounds, _people = weeks
    client = browser(organisers["city"])
    assert press(client, contest, 1, vong="abc") == [
        f"{contest.title}: Không có vòng thi này trong cuộc thi: hãy tải lại trang rồi thử lại."
    ]
    assert press(client, contest, 1, **{"phien-ban": "x"}) == [
        f"{contest.title}: Số phiên bản kết quả không hợp lệ: hãy tải lại trang rồi thử lại."
    ]
    assert press(client, contest, 1, **{"phien-ban": "3"}) == [
        f"{contest.title}: Kết quả vòng thi “Tuần 1” chưa được công bố lần nào: hãy bấm “Công "
        "bố kết quả vòng”."
    ]
    nothing_written(contest)
    # District A sees the city's contest read only: no button, and a forged POST is refused.
    other = browser(organisers["a"])
    url = reverse("admin:contests_contest_transition", args=[contest.pk, "cong-bo-ket-qua-vong"])
    response = other.get(change_url(contest))
    assert "round-publish-1" not in response.content.decode()
    token = other.cookies["csrftoken"].value
    forged = other.post(url, {"vong": rounds[1].pk, "csrfmiddlewaretoken": token})
    assert forged.status_code in (403, 404)
    nothing_written(contest)
