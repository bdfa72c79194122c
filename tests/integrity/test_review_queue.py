"""The review queue through the real admin: the evidence as a sentence, filters, clearing with
a reason, disqualifying through scoring's audited service (the person leaves the ranking), and
another district's organiser who can neither see nor act."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from contests.models import ContestChange
from integrity.models import AnomalyFlag
from integrity.services.decisions import flag_clear, flag_disqualify
from scoring.models import Disqualification
from scoring.selectors.results import results_ranked
from scoring.services.attempts import attempt_start, attempt_submit
from scoring.services.grading import attempts_grade
from tests.factories import RegistrationFactory, contest_with_bank
from tests.scoring import exam_support as support
from tests.scoring.exam_support import correct_answers

pytestmark = pytest.mark.django_db
clean_cache_and_broker = support.clean_cache_and_broker

LIST = reverse("admin:integrity_anomalyflag_changelist")
EVIDENCE = {"duration_ms": 20_000, "question_count": 10, "text_chars": 600, "floor_ms": 30_000}
SENTENCE = (
    "Đúng tất cả 10 câu trong 20 giây, trong khi chỉ đọc 600 ký tự của đề và các phương án "
    "(25 ký tự/giây, ít nhất 3 giây mỗi câu) đã cần ít nhất 30 giây."
)


def taken(registration):
    """A graded all-correct attempt, so that the person is in the ranking."""
    attempt = attempt_start(registration=registration)
    attempt_submit(attempt=attempt, answers=correct_answers(attempt))
    attempts_grade(attempt_ids=[attempt.pk])
    attempt.refresh_from_db()
    return attempt


@pytest.fixture
def queue(tree):
    contest = contest_with_bank(owner=tree["C"], root=tree["C"])
    flags = {}
    for d in ("A", "B"):
        registration = RegistrationFactory(contest=contest, unit=tree[f"{d}-1"])
        attempt = taken(registration)
        flags[d] = AnomalyFlag.objects.create(
            contest=contest,
            kind="too_fast",
            registration=registration,
            attempt=attempt,
            group_key="",
            evidence=EVIDENCE,
        )
    return contest, flags


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def act(client, action, flags, reason=None):
    data = {"action": action, "_selected_action": [f.pk for f in flags]}
    if reason is not None:
        data.update({"apply": "1", "reason": reason})
    return client.post(LIST, data)


def test_the_list_shows_own_flags_with_evidence_as_a_sentence(queue, organisers):
    _contest, flags = queue
    page = client_of(organisers["a"]).get(LIST + "?kind__exact=too_fast&status__exact=open")
    assert page.status_code == 200
    assert [f.pk for f in page.context["cl"].result_list] == [flags["A"].pk]
    html = page.content.decode()
    assert SENTENCE in html
    assert "duration_ms" not in html  # not the JSON
    assert "Bỏ qua (không vi phạm)" in html and "Truất quyền dự thi" in html
    assert "Xoá" not in html.split('name="action"')[1].split("</select>")[0]
    cleared = client_of(organisers["a"]).get(LIST + "?status__exact=cleared")
    assert list(cleared.context["cl"].result_list) == []
    # The city sees both districts' flags.
    city = client_of(organisers["city"]).get(LIST)
    assert {f.pk for f in city.context["cl"].result_list} == {flags["A"].pk, flags["B"].pk}


def test_clearing_asks_a_reason_and_records_the_decision(queue, organisers):
    _contest, flags = queue
    client = client_of(organisers["a"])
    confirm = act(client, "clear_flags", [flags["A"]])
    assert confirm.status_code == 200
    assert SENTENCE in confirm.content.decode()
    assert 'name="reason"' in confirm.content.decode()
    missing = act(client, "clear_flags", [flags["A"]], reason="  ")
    assert missing.status_code == 200
    assert "Vui lòng ghi lý do quyết định." in missing.content.decode()
    flags["A"].refresh_from_db()
    assert flags["A"].status == "open"

    done = act(client, "clear_flags", [flags["A"]], reason="Em học sinh giỏi, đã kiểm tra lại.")
    assert done.status_code == 302
    flags["A"].refresh_from_db()
    assert flags["A"].status == "cleared"
    assert flags["A"].decided_by == organisers["a"]
    assert flags["A"].decided_at is not None
    assert flags["A"].reason == "Em học sinh giỏi, đã kiểm tra lại."
    assert not Disqualification.objects.exists()
    said = [str(m) for m in get_messages(client.get(LIST).wsgi_request)]
    assert said == ["Đã ghi nhận quyết định cho 1 dấu hiệu."]
    # Deciding again changes nothing and says so.
    again = act(client, "disqualify_flags", [flags["A"]], reason="Đổi ý")
    messages = [str(m) for m in get_messages(again.wsgi_request)]
    assert messages == [f"{flags['A']}: đã được xử lý trước đó."]
    flags["A"].refresh_from_db()
    assert flags["A"].status == "cleared"
    assert not Disqualification.objects.exists()


def test_disqualifying_uses_the_audited_service_and_leaves_the_ranking(queue, organisers):
    contest, flags = queue
    registration = flags["A"].registration
    assert registration.pk in {r.registration_id for r in results_ranked(contest=contest)}
    client = client_of(organisers["a"])
    done = act(client, "disqualify_flags", [flags["A"]], reason="20/20 trong 20 giây.")
    assert done.status_code == 302
    flags["A"].refresh_from_db()
    assert (flags["A"].status, flags["A"].reason) == ("disqualified", "20/20 trong 20 giây.")
    disqualification = Disqualification.objects.get()
    assert disqualification.registration == registration
    assert disqualification.reason_code == "cheating"
    assert disqualification.note == "20/20 trong 20 giây."
    assert disqualification.created_by == organisers["a"]
    change = ContestChange.objects.get(contest=contest, what="disqualified")
    assert change.user == organisers["a"]
    assert change.after["registration"] == registration.pk
    assert registration.pk not in {r.registration_id for r in results_ranked(contest=contest)}
    # District B's person is still ranked and flagged.
    assert flags["B"].registration_id in {
        r.registration_id for r in results_ranked(contest=contest)
    }


def test_a_second_flag_of_a_person_already_out_records_the_decision_once(queue, organisers):
    contest, flags = queue
    second = AnomalyFlag.objects.create(
        contest=contest,
        kind="regular_intervals",
        registration=flags["A"].registration,
        evidence={"scope": "person", "attempts": 5, "mean_gap_seconds": 60.0, "cv": 0.0},
    )
    client = client_of(organisers["a"])
    act(client, "disqualify_flags", [flags["A"], second], reason="Cùng một người, tài khoản ảo.")
    assert set(
        AnomalyFlag.objects.filter(pk__in=[flags["A"].pk, second.pk]).values_list(
            "status", flat=True
        )
    ) == {"disqualified"}
    assert Disqualification.objects.count() == 1


def test_another_districts_organiser_can_neither_see_nor_act(queue, organisers):
    _contest, flags = queue
    client = client_of(organisers["a"])
    other = flags["B"]
    assert (
        client.get(reverse("admin:integrity_anomalyflag_change", args=[other.pk])).status_code
        == 404
    )
    for action in ("clear_flags", "disqualify_flags"):
        act(client, action, [other], reason="Không phải của quận A.")
    other.refresh_from_db()
    assert other.status == "open"
    assert not Disqualification.objects.exists()
    # The services refuse too, whoever calls them.
    for service in (flag_clear, flag_disqualify):
        with pytest.raises(PermissionDenied):
            service(flag=other, user=organisers["a"], reason="Không phải của quận A.")
    other.refresh_from_db()
    assert other.status == "open"


def test_read_only_committee_sees_the_queue_but_has_no_decision(queue, tree):
    from contests.services.units import roles_ensure
    from tests.conftest import make_organiser

    viewer = make_organiser(tree["A"], "ban_to_chuc")
    viewer.groups.set([roles_ensure()["committee"]])
    client = client_of(viewer)
    page = client.get(LIST)
    assert page.status_code == 200
    assert 'value="disqualify_flags"' not in page.content.decode()
    assert 'value="clear_flags"' not in page.content.decode()
    act(client, "disqualify_flags", [queue[1]["A"]], reason="x")
    queue[1]["A"].refresh_from_db()
    assert queue[1]["A"].status == "open"
