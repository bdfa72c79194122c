"""The tie-break chain and the cumulative rule in the contest admin form: one select per place,
blanks skipped, refused with Vietnamese messages (`chain_refusals`) and nothing saved, changes
after publishing audited (ContestChange "rules", shown by their labels), and the rule text on
the public contest page following the saved chain."""

import pytest
from django.urls import reverse

from contests.admin.contests import audit_data_html
from contests.models import Contest, ContestChange, Round
from contests.tie_break_field import PLACES, TieBreakChainField
from tests.contests.helpers import form_fields
from tests.factories import ContestFactory


@pytest.fixture
def contest(tree):
    return ContestFactory(
        owner_unit=tree["C"], participation_root=tree["C"], status=Contest.Status.PUBLISHED
    )


def _chain_data(data: dict, names: list[str]) -> dict:
    for place in range(PLACES):
        data[f"tie_break_chain_{place}"] = names[place] if place < len(names) else ""
    return data


def _post(client, contest, names, **extra):
    url = reverse("admin:contests_contest_change", args=[contest.pk])
    data = form_fields(client.get(url), "contest_form")
    data.update(extra)
    return client.post(url, _chain_data(data, names))


def test_the_form_shows_one_labelled_select_per_place(contest, organisers, client):
    client.force_login(organisers["city"])
    response = client.get(reverse("admin:contests_contest_change", args=[contest.pk]))
    html = response.content.decode()
    data = form_fields(response, "contest_form")
    assert [data[f"tie_break_chain_{p}"] for p in range(PLACES)] == [""] * PLACES
    assert 'aria-label="Tiêu chí thứ 1"' in html and f'aria-label="Tiêu chí thứ {PLACES}"' in html
    assert "Để trống tất cả: theo thứ tự mặc định: nhiều câu trả lời đúng hơn" in html
    assert data["cumulative_rule"] == "best_attempt"


def test_a_chain_is_saved_in_order_and_audited(contest, organisers, client):
    client.force_login(organisers["city"])
    response = _post(
        client,
        contest,
        ["fewer_attempts", "", "most_correct", "earliest_registration"],
        cumulative_rule="round_sum",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    contest.refresh_from_db()
    assert contest.tie_break_chain == ["fewer_attempts", "most_correct", "earliest_registration"]
    assert contest.cumulative_rule == "round_sum"
    change = ContestChange.objects.get(contest=contest, what="rules")
    assert change.before == {"tie_break_chain": [], "cumulative_rule": "best_attempt"}
    assert change.after == {
        "tie_break_chain": ["fewer_attempts", "most_correct", "earliest_registration"],
        "cumulative_rule": "round_sum",
    }
    before, after = str(audit_data_html(change.before)), str(audit_data_html(change.after))
    assert "<strong>thứ tự xét xếp hạng</strong>: thứ tự mặc định" in before
    assert "Số lần thi ít hơn → Nhiều câu trả lời đúng hơn → Đăng ký dự thi sớm hơn" in after
    assert "Tổng số câu đúng của bài tốt nhất mỗi tuần/vòng" in after
    # The form shows the saved chain back, place by place.
    data = form_fields(
        client.get(reverse("admin:contests_contest_change", args=[contest.pk])), "contest_form"
    )
    assert [data[f"tie_break_chain_{p}"] for p in range(4)] == [
        "fewer_attempts",
        "most_correct",
        "earliest_registration",
        "",
    ]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["most_correct", "most_correct"], "Mỗi tiêu chí xếp hạng chỉ được chọn một lần."),
        (
            ["earliest_registration", "most_correct"],
            "“Đăng ký dự thi sớm hơn” phân định mọi trường hợp bằng nhau, nên phải là tiêu chí "
            "cuối cùng của thứ tự xét xếp hạng.",
        ),
        (["xoa-bang"], "Tiêu chí xếp hạng đã chọn không có trong danh mục."),
    ],
)
def test_a_bad_chain_is_refused_in_vietnamese(contest, organisers, client, names, message):
    client.force_login(organisers["city"])
    response = _post(client, contest, names)
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["tie_break_chain"]
    assert message in response.content.decode()
    contest.refresh_from_db()
    assert contest.tie_break_chain == []
    assert not ContestChange.objects.filter(contest=contest).exists()


def test_the_field_alone():
    field = TieBreakChainField()
    assert field.clean([""] * PLACES) == []
    assert field.clean(["", "shortest_duration", "", "most_correct"] + [""] * 4) == [
        "shortest_duration",
        "most_correct",
    ]


def test_the_contest_page_states_the_saved_chain(contest, client):
    Contest.objects.filter(pk=contest.pk).update(
        tie_break_chain=["closest_prediction", "most_correct"]
    )
    html = client.get(reverse("contests:contest_detail", args=[contest.slug])).content.decode()
    assert "Cách xếp hạng" in html
    prediction = html.index("<li>Dự đoán gần đáp án hơn (người không trả lời")
    correct = html.index("<li>Nhiều câu trả lời đúng hơn</li>")
    last = html.index("<li>Nếu vẫn bằng nhau ở mọi tiêu chí: người đăng ký dự thi trước xếp trên")
    assert prediction < correct < last
    assert "Xếp hạng mỗi tuần/vòng" not in html


def test_the_contest_page_states_the_weekly_and_overall_rankings(contest, client):
    Contest.objects.filter(pk=contest.pk).update(cumulative_rule="perfect_rounds")
    Round.objects.create(
        contest=contest,
        number=1,
        title="Tuần 1",
        opens_at=contest.opens_at,
        closes_at=contest.closes_at,
    )
    html = client.get(reverse("contests:contest_detail", args=[contest.slug])).content.decode()
    weekly = html.index("Xếp hạng mỗi tuần/vòng")
    overall = html.index("Xếp hạng chung cả cuộc thi")
    perfect = html.index("<li>Số tuần/vòng có bài đạt điểm tuyệt đối (nhiều hơn xếp trên)</li>")
    assert weekly < overall < perfect
