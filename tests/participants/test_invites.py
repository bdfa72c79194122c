"""Unit invite links through the real views (CSRF enforced): a genuine link pre-selects its unit
at registration and at joining, and the registration records it; a forged or altered link is
refused in Vietnamese and pre-selects nothing; organisers see the counts per unit of their own
subtree only, and a poster whose QR code decodes to the link."""

import datetime
import re

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from contests.models import Contest
from participants import services
from participants.invites import invite_read, invite_token
from participants.models import Registration
from tests.factories import ContestFactory, ParticipantFactory, RegistrationFactory
from tests.participants.conftest import register_data

MSG_REFUSED = (
    "Liên kết mời không hợp lệ hoặc không còn dùng được (có thể bị gõ sai, hoặc cuộc thi không "
    "còn nhận đăng ký). Bạn vẫn có thể đăng ký và tự chọn đơn vị."
)


def token_for(contest, unit):
    return invite_token(contest_id=contest.pk, unit_id=unit.pk)


def selected_ids(html: str, prefix: str) -> list[int]:
    """The ids selected in the cascade `prefix`, level by level."""
    ids = []
    for level in range(12):
        select = re.search(rf'<select name="{prefix}_{level}".*?</select>', html, re.S)
        if select is None:
            break
        chosen = re.search(r'<option value="(\d+)" selected>', select.group(0))
        if chosen is None:
            break
        ids.append(int(chosen.group(1)))
    return ids


def note(html: str) -> str:
    found = re.search(r'id="invite-(?:note|refused)">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)) if found else ""


# --- The token ----------------------------------------------------------------------------


def test_token_reads_back_and_is_short():
    token = invite_token(contest_id=7, unit_id=12345)
    assert invite_read(token) == (7, 12345)
    assert invite_read(token.upper()) == (7, 12345)  # typed from a poster in capitals
    assert re.fullmatch(r"7-9ix-[a-z2-7]{13}", token)


@pytest.mark.parametrize(
    "alter",
    [
        lambda t: "7-9iy-" + t.split("-", 2)[2],  # another unit, the same signature
        lambda t: "8-9ix-" + t.split("-", 2)[2],  # another contest
        lambda t: t[:-1],  # signature cut short
        lambda t: t[:-1] + ("a" if t[-1] != "a" else "b"),  # one character changed
        lambda t: "07-9ix-" + t.split("-", 2)[2],  # a second spelling of the same ids
        lambda t: t + "a" * 60,  # too long to be a token
        lambda t: "",
        lambda t: "7-9ix",
        lambda t: "７-9ix-" + t.split("-", 2)[2],  # full-width digit
        lambda t: "-".join(t.split("-")[:2]) + "--",
    ],
)
def test_altered_tokens_are_refused(alter):
    assert invite_read(alter(invite_token(contest_id=7, unit_id=12345))) is None


def test_a_token_signed_with_a_retired_key_still_reads(settings):
    token = invite_token(contest_id=3, unit_id=4)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert invite_read(token) == (3, 4)
    settings.SECRET_KEY_FALLBACKS = []
    assert invite_read(token) is None


# --- Registration and joining through a link ------------------------------------------------


@pytest.mark.django_db
def test_link_opens_registration_with_the_ward_preselected(contest, tree, form_client):
    token = token_for(contest, tree["A-1"])
    response = form_client.get(f"/thi-sinh/moi/{token}/")
    assert response.status_code == 302
    assert response["Location"] == f"/thi-sinh/dang-ky/?moi={token}"
    page = form_client.get(response["Location"])
    html = page.content.decode()
    assert note(html) == (
        f"Bạn mở trang này từ liên kết mời của Phường A1 (cuộc thi “{contest.title}”): đơn vị "
        "đã được chọn sẵn, bạn vẫn có thể chọn đơn vị khác."
    )
    assert selected_ids(html, "noi_cu_tru") == [
        tree["C"].pk,
        tree["C-Q"].pk,
        tree["A"].pk,
        tree["A-1"].pk,
    ]
    assert selected_ids(html, "noi_cong_tac") == []
    assert f'<input type="hidden" name="moi" value="{token}">' in html


@pytest.mark.django_db
def test_a_department_link_preselects_the_work_unit(contest, tree, form_client):
    token = token_for(contest, tree["C-D-1"])
    html = form_client.get(f"/thi-sinh/dang-ky/?moi={token}").content.decode()
    assert selected_ids(html, "noi_cong_tac") == [tree["C"].pk, tree["C-D"].pk, tree["C-D-1"].pk]
    assert selected_ids(html, "noi_cu_tru") == []


@pytest.mark.django_db
def test_register_then_join_through_the_link_records_it(contest, tree, form_client):
    token = token_for(contest, tree["A-1"])
    data = register_data(
        moi=token,
        noi_cu_tru_0=tree["C"].pk,
        noi_cu_tru_1=tree["C-Q"].pk,
        noi_cu_tru_2=tree["A"].pk,
        noi_cu_tru_3=tree["A-1"].pk,
    )
    response = form_client.submit(
        "/thi-sinh/dang-ky/", data, page=f"/thi-sinh/dang-ky/?moi={token}"
    )
    assert response.status_code == 302
    join_url = f"/thi-sinh/tham-gia/{contest.slug}/?moi={token}"
    assert response["Location"] == join_url

    page = form_client.get(join_url).content.decode()
    assert selected_ids(page, "don_vi") == [tree["C-Q"].pk, tree["A"].pk, tree["A-1"].pk]
    assert f'<input type="hidden" name="moi" value="{token}">' in page
    assert note(page).startswith("Bạn mở trang này từ liên kết mời của Phường A1")

    # The person may choose another unit: the link that brought them is still counted.
    response = form_client.submit(
        f"/thi-sinh/tham-gia/{contest.slug}/",
        {
            "moi": token,
            "don_vi_0": tree["C-Q"].pk,
            "don_vi_1": tree["B"].pk,
            "don_vi_2": tree["B-1"].pk,
            "consent_participation": "on",
        },
        page=join_url,
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.unit, registration.invited_via) == (tree["B-1"], tree["A-1"])


@pytest.mark.django_db
def test_logged_in_person_goes_from_the_link_to_joining(contest, tree, form_client):
    person = ParticipantFactory()
    form_client.force_login(person.user)
    token = token_for(contest, tree["A-2"])
    response = form_client.get(f"/thi-sinh/moi/{token}/")
    assert response["Location"] == f"/thi-sinh/tham-gia/{contest.slug}/?moi={token}"
    # And the registration page, opened with the link while logged in, goes there too.
    response = form_client.get(f"/thi-sinh/dang-ky/?moi={token}")
    assert response["Location"] == f"/thi-sinh/tham-gia/{contest.slug}/?moi={token}"


@pytest.mark.django_db
def test_forged_link_is_refused_and_preselects_nothing(contest, tree, form_client):
    genuine = token_for(contest, tree["A-1"])
    # Phường A1's signature on a made-up unit id.
    head, unit_part, mac = genuine.split("-", 2)
    forged = f"{head}-{unit_part}0-{mac}"
    response = form_client.get(f"/thi-sinh/moi/{forged}/")
    assert response.status_code == 404
    assert note(response.content.decode()) == MSG_REFUSED

    page = form_client.get(f"/thi-sinh/dang-ky/?moi={forged}").content.decode()
    assert note(page) == MSG_REFUSED
    assert selected_ids(page, "noi_cu_tru") == selected_ids(page, "noi_cong_tac") == []
    assert 'name="moi"' not in page

    person = ParticipantFactory(residence_unit=None, work_unit=None)
    form_client.force_login(person.user)
    join = form_client.get(f"/thi-sinh/tham-gia/{contest.slug}/?moi={forged}").content.decode()
    assert note(join) == MSG_REFUSED
    assert selected_ids(join, "don_vi") == []
    response = form_client.submit(
        f"/thi-sinh/tham-gia/{contest.slug}/",
        {"moi": forged, "don_vi_0": tree["C-D"].pk, "consent_participation": "on"},
    )
    assert response.status_code == 302
    assert Registration.objects.get().invited_via is None


@pytest.mark.django_db
def test_link_of_another_contest_or_a_draft_or_outside_the_tree_is_refused(tree, form_client):
    now = datetime.datetime.now(tz=datetime.UTC)
    districts_only = ContestFactory(
        slug="chi-quan-huyen",
        owner_unit=tree["C"],
        participation_root=tree["C-Q"],
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=9),
    )
    draft = ContestFactory(
        slug="ban-nhap",
        owner_unit=tree["C"],
        participation_root=tree["C"],
        status=Contest.Status.DRAFT,
    )
    for token in (token_for(districts_only, tree["C-D-1"]), token_for(draft, tree["A-1"])):
        response = form_client.get(f"/thi-sinh/moi/{token}/")
        assert (response.status_code, note(response.content.decode())) == (404, MSG_REFUSED)
    # A genuine link of one contest used on another contest's join page: not this contest's.
    person = ParticipantFactory()
    form_client.force_login(person.user)
    other = token_for(districts_only, tree["A-1"])
    other_contest = ContestFactory(
        slug="cuoc-thi-khac",
        owner_unit=tree["C"],
        participation_root=tree["C"],
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=9),
    )
    page = form_client.get(f"/thi-sinh/tham-gia/{other_contest.slug}/?moi={other}")
    assert note(page.content.decode()) == MSG_REFUSED


@pytest.mark.django_db
def test_service_ignores_an_invite_unit_outside_the_contest(tree):
    now = datetime.datetime.now(tz=datetime.UTC)
    contest = ContestFactory(
        owner_unit=tree["C"],
        participation_root=tree["C-Q"],
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=9),
    )
    person = ParticipantFactory()
    registration = services.registration_create(
        participant=person,
        contest=contest,
        unit=tree["A-1"],
        consent_participation=True,
        consent_publish=False,
        invited_via=tree["C-D-1"],
    )
    assert registration.invited_via is None


# --- Organisers: counts per unit, scoped, and the poster -------------------------------------


@pytest.fixture
def invited(contest, tree):
    """Two registrations through Phường A1's link, one through Phường B1's, one without."""
    for unit, via in (("A-1", "A-1"), ("A-2", "A-1"), ("B-1", "B-1"), ("B-1", None)):
        RegistrationFactory(
            contest=contest, unit=tree[unit], invited_via=tree[via] if via else None
        )
    return contest


def count_rows(html: str) -> dict[str, str]:
    return dict(
        re.findall(r'<tr data-unit="([^"]+)">.*?class="numeric invite-count">([^<]*)<', html, re.S)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "rows", "total"),
    [
        ("a", {"A": "0", "A-1": "2", "A-2": "0"}, "2"),
        ("b", {"B": "0", "B-1": "1"}, "1"),
        (
            "city",
            {"C": "0", "C-D": "0", "C-D-1": "0", "C-Q": "0", "A": "0", "A-1": "2", "A-2": "0"}
            | {"B": "0", "B-1": "1"},
            "3",
        ),
    ],
)
def test_counts_per_unit_scoped_to_the_organiser(invited, organisers, client, who, rows, total):
    client.force_login(organisers[who])
    response = client.get(f"/quan-tri/participants/registration/loi-moi/?cuoc-thi={invited.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert count_rows(html) == rows
    assert re.search(r'id="invite-total">.*?<strong>(\d+)</strong>', html, re.S).group(1) == total
    assert "Tải áp phích" in html


@pytest.mark.django_db
def test_links_page_bad_contest_id_says_so(invited, organisers, client):
    client.force_login(organisers["a"])
    response = client.get("/quan-tri/participants/registration/loi-moi/?cuoc-thi=abc")
    assert response.status_code == 200
    assert "Không có cuộc thi này trong phạm vi của bạn." in response.content.decode()


def qr_from_svg(svg: str) -> str:
    """Decode the poster's inline SVG QR: draw segno's path (runs of `h` moves) and read it
    with zxing-cpp."""
    viewbox = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    scale = int(re.search(r'transform="scale\((\d+)\)"', svg).group(1))
    path = re.search(r' d="([^"]+)"', svg).group(1)
    size = viewbox // scale
    image = Image.new("L", (size * 10, size * 10), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            run = float(a)
            draw.rectangle((x * 10, (y - 0.5) * 10, (x + run) * 10 - 1, (y + 0.5) * 10 - 1), fill=0)
            x += run
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    return results[0].text


@pytest.mark.django_db
def test_poster_qr_decodes_to_the_link_and_is_scoped(invited, organisers, client, tree):
    client.force_login(organisers["a"])
    url = f"/quan-tri/participants/registration/loi-moi/{invited.pk}/{tree['A-1'].pk}/ap-phich/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    link = f"http://testserver/thi-sinh/moi/{token_for(invited, tree['A-1'])}/"
    assert re.search(r'id="poster-url">([^<]+)<', html).group(1) == link
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    assert qr_from_svg(svg) == link
    assert "Mời cán bộ, nhân dân <strong>Phường A1</strong> tham gia" in html
    assert invited.title in html
    assert "style=" not in html  # the Content-Security-Policy has no 'unsafe-inline'
    # The link in the QR works.
    assert client.get(link.removeprefix("http://testserver")).status_code == 302
    # Another district's unit: not there.
    other = f"/quan-tri/participants/registration/loi-moi/{invited.pk}/{tree['B-1'].pk}/ap-phich/"
    assert client.get(other).status_code == 404


def test_qr_decoder_is_not_fooled():
    """The SVG reader above reads a real QR, and a different one differently."""
    from participants.posters import qr_svg

    assert qr_from_svg(str(qr_svg("https://a.vn/x/"))) == "https://a.vn/x/"
    assert qr_from_svg(str(qr_svg("https://a.vn/y/"))) == "https://a.vn/y/"
