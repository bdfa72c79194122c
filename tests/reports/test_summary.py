"""The printable summary reads like the organisers' report of seed 000."""

from django.utils import translation

from reports import selectors
from reports.services.rollups import rollups_recompute


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def test_summary_of_generated_contest_has_the_seed_shapes(generated):
    contest, report = generated
    rollups_recompute(contest=contest)
    with translation.override("vi"):
        text = selectors.summary_text(contest=contest)
    blocks = report["by_block"]
    ages = report["by_age_group"]
    prefix = "SINH-DU-LIEU"
    assert text.startswith(
        f"Toàn thành phố có {_n(report['participants'])} người dự thi; "
        f"khối Sở, ban, ngành {_n(blocks[prefix + '-KS']['participants'])}; "
        f"khối quận, huyện, thị xã {_n(blocks[prefix + '-KQ']['participants'])}; "
        f"từ đủ 18 tuổi {_n(ages['18+']['participants'])} bài; "
        f"từ đủ 14 đến dưới 18 tuổi {_n(ages['u18']['participants'])} bài; "
        "các đơn vị có số lượng người dự thi đông: Khối Sở, ban, ngành: "
    )
    assert "; Khối quận, huyện, thị xã: " in text
    assert text.endswith(".")
    # The largest units of seed 000 lead their blocks (the generator keeps their sizes).
    departments = text.split("Khối Sở, ban, ngành: ")[1].split(";")[0]
    assert "Sở GD&ĐT (" in departments
    districts = text.split("Khối quận, huyện, thị xã: ")[1]
    top3 = [part.split(" (")[0] for part in districts.split(", ")[:3]]
    assert set(top3) == {"Huyện Hoài Đức", "Huyện Đông Anh", "Quận Cầu Giấy"}
    # Ten units per block, each with its figure.
    assert districts.count("người dự thi)") == 10


def test_summary_in_a_district(small_contest, tree):
    rollups_recompute(contest=small_contest)
    with translation.override("vi"):
        text = selectors.summary_text(contest=small_contest, unit=tree["A"])
    assert text == (
        "Quận A có 3 người dự thi; từ đủ 18 tuổi 2 bài; từ đủ 14 đến dưới 18 tuổi 1 bài; "
        "các đơn vị có số lượng người dự thi đông: Phường A1 (2 người dự thi), "
        "Phường A2 (1 người dự thi)."
    )


def test_summary_numbers_are_grouped_the_vietnamese_way(small_contest, tree):
    from reports.models import UnitRollup

    rollups_recompute(contest=small_contest)
    UnitRollup.objects.filter(
        contest=small_contest, unit=tree["C"], own=False, block=tree["C-Q"], age_group="18+"
    ).update(participants=1512989)
    with translation.override("vi"):
        text = selectors.summary_text(contest=small_contest)
    assert text.startswith("Toàn thành phố có 1.512.991 người dự thi;")


def test_age_groups_follow_the_contest_minimum_age(small_contest, tree):
    # Seed 003 admits 12-year-olds: the young group is named from 12, everywhere.
    small_contest.min_age = 12
    small_contest.save(update_fields=["min_age"])
    rollups_recompute(contest=small_contest)
    with translation.override("vi"):
        text = selectors.summary_text(contest=small_contest, unit=tree["A"])
        groups = selectors.by_age_group(contest=small_contest, unit=tree["A"])
    assert text.startswith(
        "Quận A có 3 người dự thi; từ đủ 18 tuổi 2 bài; từ đủ 12 đến dưới 18 tuổi 1 bài; "
    )
    assert [(g["age_group"], g["label"], g["participants"]) for g in groups] == [
        ("18+", "Từ đủ 18 tuổi trở lên", 2),
        ("u18", "Từ đủ 12 đến dưới 18 tuổi", 1),
    ]
