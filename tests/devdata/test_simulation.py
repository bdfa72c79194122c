"""`manage.py simulate_contest`: what it writes is consistent, and the reports count it."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from contests.models import Contest, Unit
from devdata.services.splits import SEED_000, SEED_002, splits_load, splits_scaled
from participants.identity import normalise_phone, parse_cccd
from participants.models import Participant, Registration
from reports.selectors import Figures
from scoring.models import Attempt, Result
from scoring.rules import best_attempt

# Also on SQLite (`make test`'s second pass): the embedded default `make demo` runs on.
pytestmark = pytest.mark.sqlite


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


# --- The seed reports' tables, reproduced exactly from raw rows (at reduced scale) ----------

HANOI_AT_1_1000 = {
    "participants": 1513,
    "blocks": {"Khối Sở, ban, ngành": 58, "Khối quận, huyện, thị xã": 1455},
    "ages": {"18+": 1356, "u18": 157},
    "departments": [
        ("Sở GD&ĐT", 9),
        ("Công an TP", 4),
        ("Sở Y tế", 4),
        ("Sở LĐTB&XH", 2),
        ("Sở Xây dựng", 1),
        ("Bộ Tư lệnh Thủ đô", 1),
        ("BHXH TP", 1),
        ("Sở VH&TT", 1),
    ],
    "districts": [
        ("Huyện Hoài Đức", 255),
        ("Huyện Đông Anh", 232),
        ("Quận Cầu Giấy", 213),
        ("Quận Thanh Xuân", 103),
        ("Quận Bắc Từ Liêm", 93),
        ("Quận Tây Hồ", 64),
        ("Quận Hoàn Kiếm", 60),
        ("Thị xã Sơn Tây", 46),
        ("Huyện Ứng Hòa", 42),
        ("Quận Hoàng Mai", 40),
    ],
}


def test_splits_scale_the_seed_figures():
    hanoi = splits_scaled(splits_load(SEED_000), 0.001)
    assert (hanoi.participants, hanoi.registrants, hanoi.attempts) == (1513, None, 3026)
    assert {k: g.participants for k, g in hanoi.blocks.items()} == HANOI_AT_1_1000["blocks"]
    assert {k: g.participants for k, g in hanoi.age_groups.items()} == HANOI_AT_1_1000["ages"]
    departments, districts = (list(g.top_units.items()) for g in hanoi.blocks.values())
    assert departments == HANOI_AT_1_1000["departments"]
    assert districts == HANOI_AT_1_1000["districts"]
    bac_giang = splits_scaled(splits_load(SEED_002), 0.01)
    assert (
        bac_giang.registrants,
        bac_giang.participants,
        bac_giang.attempts,
        bac_giang.perfect_attempts,
        bac_giang.questions,
    ) == (573, 573, 2821, 528, 19)


@pytest.mark.sqlite
def test_seed_000_tables_reproduced(db):
    """Hà Nội 2023 at 1/1000: participants by block, by age group, and each block's largest
    units, as the reports read them after a recomputation."""
    run(
        "simulate_contest",
        "--slug",
        "ha-noi",
        "--splits",
        str(SEED_000),
        "--scale",
        "0.001",
        "--seed",
        "7",
    )
    contest = Contest.objects.get(slug="ha-noi")
    figures = Figures(contest=contest)
    root = contest.participation_root
    assert figures.totals(root)["participants"] == 1513
    assert figures.totals(root)["registrants"] == 1513
    assert figures.totals(root)["attempts"] == 3026
    assert {b["name"]: b["participants"] for b in figures.by_block(root)} == (
        HANOI_AT_1_1000["blocks"]
    )
    assert {a["age_group"]: a["participants"] for a in figures.by_age_group(root)} == (
        HANOI_AT_1_1000["ages"]
    )
    tops = {
        (group["block_name"], group["depth"]): [
            (u["name"], u["participants"]) for u in group["units"]
        ]
        for group in figures.top_units(root, limit=10)
    }
    assert tops[("Khối Sở, ban, ngành", 3)][:8] == HANOI_AT_1_1000["departments"]
    assert tops[("Khối quận, huyện, thị xã", 3)] == HANOI_AT_1_1000["districts"]


@pytest.mark.sqlite
def test_seed_002_figures_reproduced(db):
    """Bắc Giang 2023 at 1/100: 573 registrants, 2,821 attempts, 528 with 19/19 correct,
    graded by the grading rule (100 points for 19/19)."""
    run(
        "simulate_contest",
        "--slug",
        "bac-giang",
        "--splits",
        str(SEED_002),
        "--scale",
        "0.01",
        "--seed",
        "3",
    )
    contest = Contest.objects.get(slug="bac-giang")
    totals = Figures(contest=contest).totals(contest.participation_root)
    assert (
        totals["registrants"],
        totals["participants"],
        totals["attempts"],
        totals["perfect_attempts"],
    ) == (573, 573, 2821, 528)
    perfect = Attempt.objects.filter(contest=contest, all_correct=True)
    assert set(perfect.values_list("correct_count", "question_count", "score")) == {
        (19, 19, Decimal("100.00"))
    }
    assert set(
        Attempt.objects.filter(contest=contest, correct_count=18).values_list("score", flat=True)
    ) == {Decimal("94.74")}
    # Each Result holds the attempt the best-attempt rule picks.
    for result in Result.objects.filter(contest=contest).select_related("best_attempt")[:50]:
        attempts = Attempt.objects.filter(registration_id=result.registration_id)
        best = min(
            attempts,
            key=lambda a: best_attempt.sort_key(
                attempt_id=a.pk,
                correct_count=a.correct_count,
                duration_ms=a.duration_ms,
                finished_at=a.finished_at,
            ),
        )
        assert result.best_attempt_id == best.pk
        assert (result.correct_count, result.score) == (best.correct_count, best.score)
