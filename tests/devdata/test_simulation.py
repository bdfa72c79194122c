"""`manage.py simulate_contest`: what it writes is consistent, and the reports count it."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from contests.models import Unit
from participants.identity import normalise_phone, parse_cccd
from participants.models import Participant, Registration
from scoring.models import Attempt, Result


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_simulate_contest_command(db):
    report = json.loads(
        run(
            "simulate_contest",
            "--slug",
            "mo-phong",
            "--participants",
            "300",
            "--attempts",
            "900",
            "--registrants",
            "350",
            "--perfect-share",
            "0.2",
            "--seed",
            "5",
        )
    )
    assert (report["registrants"], report["participants"], report["attempts"]) == (350, 300, 900)
    assert Registration.objects.filter(contest__slug="mo-phong").count() == 350
    assert Attempt.objects.filter(contest__slug="mo-phong", status="graded").count() == 900
    assert Result.objects.filter(contest__slug="mo-phong").count() == 300
    assert (
        Attempt.objects.filter(contest__slug="mo-phong", all_correct=True).count()
        == report["perfect_attempts"]
    )
    # Everyone in N has at least one graded attempt; R - N never submitted.
    assert (
        Registration.objects.filter(contest__slug="mo-phong", attempts__isnull=False)
        .distinct()
        .count()
        == 300
    )
    assert sum(v["participants"] for v in report["by_block"].values()) == 300
    assert set(report["by_age_group"]) == {"18+", "u18"}
    # The figures printed equal the roll-ups.
    figures = json.loads(run("contest_figures", "mo-phong", "--json"))
    assert {
        k: figures[k] for k in ("registrants", "participants", "attempts", "perfect_attempts")
    } == {k: report[k] for k in ("registrants", "participants", "attempts", "perfect_attempts")}
    blocks = [b["name"] for b in figures["by_block"]]
    assert blocks == ["Khối Sở, ban, ngành", "Khối quận, huyện, thị xã"]
    assert Unit.objects.get(code="MO-PHONG-Q01").name == "Huyện Hoài Đức"


def test_simulated_identities_are_consistent(db):
    run(
        "simulate_contest",
        "--slug",
        "dinh-danh",
        "--participants",
        "200",
        "--attempts",
        "200",
        "--seed",
        "9",
        "--skip-rollups",
    )
    people = Participant.objects.filter(registrations__contest__slug="dinh-danh")
    assert people.count() == 200
    ref = datetime.date(2023, 8, 1)
    phones = set()
    for p in people.select_related(None):
        n = p.document_number
        assert len(n) == 12 and n.isdigit()
        century = 0 if p.date_of_birth.year < 2000 else 2
        assert int(n[3]) == century + (1 if p.gender == "female" else 0)
        assert n[4:6] == f"{p.date_of_birth.year % 100:02d}"
        assert p.phone.startswith("+847") and len(p.phone) == 12
        # The registration service's own checks accept them.
        info = parse_cccd(n, date_of_birth=p.date_of_birth, gender=p.gender)
        assert info.province_name is not None
        assert normalise_phone(p.phone) == p.phone
        phones.add(p.phone)
    assert len(phones) == 200
    for reg in Registration.objects.filter(contest__slug="dinh-danh").select_related("participant"):
        dob = reg.participant.date_of_birth
        age = ref.year - dob.year - ((ref.month, ref.day) < (dob.month, dob.day))
        assert reg.age_on_reference == age >= 14
        assert reg.age_group == ("18+" if age >= 18 else "u18")
    groups = set(
        Registration.objects.filter(contest__slug="dinh-danh").values_list("age_group", flat=True)
    )
    assert groups == {"18+", "u18"}


def test_simulate_contest_rejects_bad_numbers(db):
    with pytest.raises(
        CommandError, match="Cần: số lượt thi ≥ số người dự thi ≤ số người đăng ký."
    ):
        run("simulate_contest", "--slug", "sai", "--participants", "10", "--attempts", "5")
    with pytest.raises(CommandError, match="--perfect-share phải nằm trong khoảng 0 đến 1."):
        run(
            "simulate_contest",
            "--slug",
            "sai",
            "--participants",
            "1",
            "--attempts",
            "1",
            "--perfect-share",
            "2",
        )
