"""A district clerk sets up a contest alone, on a laptop, in real Chromium: the add form starts
at the clerk's own district; the participation unit is picked by typing part of a ward's name
(the search offers only the district's own wards, each with its path); a prize structure and
its three tiers are entered on the same page; one save writes it all. Screenshots in
tests/artifacts/clerk_setup_*.png (look at them)."""

import shutil  # noqa: F401  (chromium_path finds the browser with shutil.which)
from pathlib import Path

import pytest

from contests.models import Contest, Unit
from contests.services.units import unit_add
from tests.conftest import make_organiser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
LAPTOP = {"width": 1366, "height": 768}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture
def page(chromium_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=LAPTOP, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def hanoi(db):
    K = Unit.Kind
    city = unit_add(code="HN", name="Thành phố Hà Nội", kind=K.PROVINCE)
    tx = unit_add(code="TX", name="Quận Thanh Xuân", kind=K.DISTRICT, parent=city)
    dd = unit_add(code="DD", name="Quận Đống Đa", kind=K.DISTRICT, parent=city)
    for code, name in (("TX-NC", "Phường Nhân Chính"), ("TX-TD", "Phường Thượng Đình")):
        unit_add(code=code, name=name, kind=K.WARD, parent=tx)
    unit_add(code="DD-LH", name="Phường Láng Hạ", kind=K.WARD, parent=dd)
    unit_add(code="DD-NC", name="Phường Nam Đồng", kind=K.WARD, parent=dd)
    make_organiser(tx, "thanhxuan")
    return {u.code: u for u in Unit.objects.all()}


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"clerk_setup_{name}.png"), full_page=False)


def test_district_clerk_sets_up_a_contest_with_pickers_and_inline_prizes(page, live_server, hanoi):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/quan-tri/login/")
    page.fill("[name=username]", "thanhxuan")
    page.fill("[name=password]", "secret-pass-123")
    page.click("form [type=submit]")
    page.wait_for_url(f"{live_server.url}/quan-tri/")

    page.goto(f"{live_server.url}/quan-tri/contests/contest/add/")
    # Both unit pickers start at the clerk's own district, shown with its path.
    owner = page.locator("#select2-id_owner_unit-container")
    expect(owner).to_have_text("Thành phố Hà Nội › Quận Thanh Xuân")
    root = page.locator("#select2-id_participation_root-container")
    expect(root).to_have_text("Thành phố Hà Nội › Quận Thanh Xuân")

    page.fill("#id_title", "Tìm hiểu Luật Căn cước – phường Nhân Chính")
    page.fill("#id_slug", "can-cuoc-nhan-chinh")
    page.fill("[name=opens_at_0]", "01/09/2025")
    page.fill("[name=opens_at_1]", "00:00")
    page.fill("[name=closes_at_0]", "30/09/2025")
    page.fill("[name=closes_at_1]", "24:00")

    # Typing "Phường" offers the district's own wards only, each with its path.
    root.click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill("Phường")
    options = page.locator(".select2-results__option[role=option]")
    # expect() waits for the search's answer (the page's policy forbids evaluated scripts).
    expect(options).to_have_text(
        [
            "Thành phố Hà Nội › Quận Thanh Xuân › Phường Nhân Chính",
            "Thành phố Hà Nội › Quận Thanh Xuân › Phường Thượng Đình",
        ]
    )
    # Part of a ward's name narrows it to one.
    search.fill("Nhân Ch")
    expect(options).to_have_text(["Thành phố Hà Nội › Quận Thanh Xuân › Phường Nhân Chính"])
    shot(page, "ward_picker")
    page.keyboard.press("Enter")
    expect(root).to_have_text("Thành phố Hà Nội › Quận Thanh Xuân › Phường Nhân Chính")

    # A prize structure and its three tiers, on the same page.
    page.locator("#prize_structures-group .add-row a").click()
    page.fill("[name=prize_structures-0-title]", "Giải cá nhân")
    tiers = [
        ("1", "Nhất", "1", "3.000.000"),
        ("2", "Nhì", "2", "1.500.000"),
        ("3", "Ba", "3", "1.000.000"),
    ]
    for row, (rank, name, count, amount) in enumerate(tiers):
        prefix = f"prize_structures-0-tier_rows-{row}"
        page.fill(f"[name={prefix}-rank_order]", rank)
        page.fill(f"[name={prefix}-name]", name)
        page.fill(f"[name={prefix}-count]", count)
        page.fill(f"[name={prefix}-amount]", amount)
    page.locator("#prize_structures-group").scroll_into_view_if_needed()
    shot(page, "tiers_inline")

    page.click("[name=_save]")
    page.wait_for_url(f"{live_server.url}/quan-tri/contests/contest/")
    contest = Contest.objects.get(slug="can-cuoc-nhan-chinh")
    assert (contest.owner_unit.code, contest.participation_root.code) == ("TX", "TX-NC")
    (structure,) = contest.prize_structures.all()
    assert list(
        structure.tiers.order_by("rank_order").values_list("kind", "name", "count", "amount")
    ) == [
        ("individual", "Nhất", 1, 3_000_000),
        ("individual", "Nhì", 2, 1_500_000),
        ("individual", "Ba", 3, 1_000_000),
    ]

    page.goto(f"{live_server.url}/quan-tri/contests/contest/{contest.pk}/change/")
    page.locator("#prize_structures-group").scroll_into_view_if_needed()
    assert page.input_value("[name=prize_structures-0-tier_rows-0-amount]") == "3.000.000"
    shot(page, "saved")
