"""One person, one account: a Vietnamese citizen only with their CCCD (never a second account
under "Hộ chiếu" + Việt Nam), near-duplicates (name retyped, same date of birth and gender)
queued for organisers, and the queue's decisions (merge, not a duplicate, disqualify), each
recorded, scoped like every admin page."""

import datetime
import itertools
import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contests.refusals import Refused
from participants import identity, services
from participants.models import DuplicateSuspect, Participant, Registration
from scoring.models import Disqualification
from tests.factories import ContestFactory, RegistrationFactory
from tests.participants.conftest import PASSWORD, register_data

URL = "/thi-sinh/dang-ky/"
JOIN_URL = "/thi-sinh/tham-gia/thi-tim-hieu/"
User = get_user_model()
MSG_CITIZEN_PASSPORT = (
    "Công dân Việt Nam đăng ký bằng số căn cước (CCCD), không dùng hộ chiếu. Vui lòng chọn "
    "loại giấy tờ “Căn cước / CCCD” và nhập số căn cước 12 số."
)
MSG_CCCD_SHAPED = (
    "Số gồm 12 chữ số là số căn cước (CCCD) của công dân Việt Nam. Vui lòng chọn loại giấy tờ "
    "“Căn cước / CCCD”."
)
_phones = itertools.count(100)
_serials = itertools.count(100)


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def register(**overrides):
    """participant_register with consistent defaults (male, born 17/05/1987, Hà Nội CCCD)."""
    data = {
        "full_name": "Nguyễn Văn An",
        "date_of_birth": datetime.date(1987, 5, 17),
        "gender": "male",
        "document_type": "cccd",
        "document_number": f"001087{next(_serials):06d}",
        "phone": f"091{next(_phones):07d}",
        "password": PASSWORD,
        "consent_data": True,
    }
    data.update(overrides)
    return services.participant_register(**data)


# --- The rules, pure ----------------------------------------------------------------------------


def test_identity_key_puts_every_vietnamese_document_in_the_cccd_namespace():
    key = identity.identity_key
    assert key(document_type="cccd", number="001087123456", country="") == "VN:001087123456"
    assert key(document_type="passport", number="001087123456", country="VN") == ("VN:001087123456")
    assert key(document_type="passport", number="001087123456", country="KR") == ("VN:001087123456")
    assert key(document_type="residence_card", number="AB12345", country="VN") == "VN:AB12345"
    assert key(document_type="passport", number="M1234567", country="KR") == (
        "KR:passport:M1234567"
    )


def test_name_key_strips_accents_d_spacing_and_case():
    assert identity.name_key("  Nguyễn   Thị  ĐÀO ") == "nguyen thi dao"
    assert identity.name_key("Trần Đức Đạt") == identity.name_key("tran duc dat")
    assert identity.name_key("Lê Văn Ánh") != identity.name_key("Lê Văn Anh Tú")


def _strip(ch: str) -> str:
    base = unicodedata.normalize("NFD", ch.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in base if not unicodedata.combining(c))


@st.composite
def name_variants(draw, name="Nguyễn Thị Đào Hương"):
    """The same name as a person might retype it: accents dropped or kept per letter, any
    case per letter, extra spaces anywhere between words, composed or decomposed Unicode."""
    words = []
    for word in name.split():
        letters = []
        for ch in word:
            ch = _strip(ch) if draw(st.booleans()) else ch
            ch = draw(st.sampled_from([ch, ch.upper(), ch.lower()]))
            letters.append(ch)
        words.append("".join(letters))
    gaps = [" " * draw(st.integers(1, 3)) for _ in words[1:]]
    text = words[0] + "".join(g + w for g, w in zip(gaps, words[1:], strict=True))
    text = " " * draw(st.integers(0, 2)) + text + " " * draw(st.integers(0, 2))
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), text)


@given(name_variants())
def test_any_retyping_of_a_name_has_the_same_key(variant):
    assert identity.name_key(variant) == "nguyen thi dao huong"


# --- Near-duplicates on registration, through the database -------------------------------------


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    variant=name_variants(),
    day_shift=st.integers(min_value=1, max_value=300),
)
def test_near_duplicate_is_queued_and_a_different_birth_date_is_not(variant, day_shift):
    with transaction.atomic():
        born = datetime.date(1999, 1, 10)
        first = register(
            full_name="Nguyễn Thị Đào Hương",
            gender="female",
            date_of_birth=born,
            document_number=f"035199{next(_serials):06d}",
        )
        other_day = register(
            full_name=variant,
            gender="female",
            date_of_birth=born + datetime.timedelta(days=day_shift),
            document_number=f"035199{next(_serials):06d}",
        )
        assert other_day.needs_review is False
        assert DuplicateSuspect.objects.count() == 0
        second = register(
            full_name=variant,
            gender="female",
            date_of_birth=born,
            document_number=f"035199{next(_serials):06d}",
        )
        second.refresh_from_db()
        assert second.needs_review is True
        assert list(
            DuplicateSuspect.objects.values_list("original", "duplicate", "reason", "status")
        ) == [(first.pk, second.pk, "same_person", "open")]
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_same_name_and_birth_date_but_other_gender_is_not_a_suspect():
    register(full_name="Lê Minh Châu", gender="male", document_number="001087000001")
    other = register(full_name="le minh chau", gender="female", document_number="001187000002")
    assert (other.needs_review, DuplicateSuspect.objects.count()) == (False, 0)


# --- Passport + Việt Nam, through the real views -----------------------------------------------


@pytest.mark.django_db
def test_vietnamese_passport_refused_at_registration_and_nothing_written(form_client):
    assert form_client.submit(URL, register_data()).status_code == 302
    form_client.client.logout()
    response = form_client.submit(
        URL,
        register_data(
            document_type="passport",
            issuing_country="vn",
            document_number="001087123456",
            phone="0987 654 321",
        ),
    )
    assert response.status_code == 200
    assert field_errors(response, "document_type") == [MSG_CITIZEN_PASSPORT]
    assert MSG_CITIZEN_PASSPORT in response.content.decode()
    assert (User.objects.count(), Participant.objects.count()) == (1, 1)


@pytest.mark.django_db
def test_cccd_number_as_a_foreign_passport_refused(form_client):
    response = form_client.submit(
        URL,
        register_data(
            document_type="passport", issuing_country="KR", document_number="001087123456"
        ),
    )
    assert field_errors(response, "document_type") == [MSG_CCCD_SHAPED]
    assert Participant.objects.count() == 0


@pytest.mark.django_db
def test_residence_card_issued_by_vietnam_is_a_foreigners_document(form_client):
    response = form_client.submit(
        URL,
        register_data(
            full_name="Kim Min Jun",
            document_type="residence_card",
            issuing_country="VN",
            document_number="ab 12345",
        ),
    )
    assert response.status_code == 302
    person = Participant.objects.get()
    assert (person.identity_key, person.document_number) == ("VN:AB12345", "AB12345")


@pytest.mark.django_db
def test_database_refuses_a_second_account_with_the_same_identity_key():
    first = register(document_number="001087123456")
    assert first.identity_key == "VN:001087123456"
    second = register(
        document_type="passport",
        document_number="M1234567",
        issuing_country="KR",
        full_name="Park Ji Sung",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.filter(pk=second.pk).update(identity_key="VN:001087123456")


@pytest.mark.django_db
def test_old_vietnamese_passport_account_cannot_join_and_sees_why(contest, tree, form_client):
    person = register(document_type="passport", document_number="C1234567", issuing_country="KR")
    # An account from before the rule: a Vietnamese passport (written as such rows were).
    Participant.objects.filter(pk=person.pk).update(issuing_country="VN")
    form_client.force_login(person.user)
    response = form_client.submit(
        JOIN_URL,
        {
            "don_vi_0": str(tree["C-Q"].pk),
            "don_vi_1": str(tree["A"].pk),
            "consent_participation": "on",
        },
    )
    assert response.status_code == 200
    assert [str(e) for e in response.context["form"].non_field_errors()] == [MSG_CITIZEN_PASSPORT]
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_account_queued_as_same_document_cannot_join(contest, tree):
    original = register()
    second = register(
        full_name="Ai Đó",
        document_type="passport",
        document_number="M7654321",
        issuing_country="KR",
    )
    DuplicateSuspect.objects.create(original=original, duplicate=second, reason="same_document")
    with pytest.raises(Refused) as caught:
        services.registration_create(
            participant=second,
            contest=contest,
            unit=tree["A"],
            consent_participation=True,
            consent_publish=False,
        )
    assert (caught.value.code, str(caught.value)) == (
        "duplicate_pending",
        "Số giấy tờ của tài khoản này trùng với một tài khoản khác và đang chờ Ban Tổ chức "
        "rà soát; tạm thời chưa đăng ký dự thi được.",
    )


# --- The queue: decisions through the admin ----------------------------------------------------


def admin_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def pair(tree):
    """Two accounts of (apparently) one person, both living in ward A-1."""
    first = register(full_name="Phạm Quang Huy", document_number="001087000011")
    second = register(full_name="pham  quang huy", document_number="001087000022")
    Participant.objects.filter(pk__in=[first.pk, second.pk]).update(residence_unit=tree["A-1"])
    return first, second, DuplicateSuspect.objects.get()


def decide_url(suspect):
    return f"/quan-tri/participants/duplicatesuspect/{suspect.pk}/xu-ly/"


@pytest.mark.django_db
def test_merge_moves_registrations_and_closes_the_other_account(client, pair, organisers, tree):
    first, second, suspect = pair
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    moved = RegistrationFactory(participant=second, contest=contest, unit=tree["A-1"])
    client = admin_client(client, organisers["a"])
    response = client.post(
        decide_url(suspect), {"decision": "keep_original", "note": "Cùng một người, đã gọi điện"}
    )
    assert response.status_code == 302
    moved.refresh_from_db()
    assert (moved.participant_id, moved.document_number) == (first.pk, "001087000011")
    second.user.refresh_from_db()
    assert second.user.is_active is False
    suspect.refresh_from_db()
    assert (suspect.status, suspect.decided_by, suspect.decision_note) == (
        "merged",
        organisers["a"],
        "Cùng một người, đã gọi điện",
    )
    assert suspect.decision_details == {
        "kept": first.pk,
        "folded": second.pk,
        "moved_registrations": [moved.pk],
    }
    again = client.post(decide_url(suspect), {"decision": "not_duplicate", "note": "x"})
    assert [str(e) for e in again.context["form"].non_field_errors()] == [
        "Trường hợp nghi trùng này đã được xử lý trước đó."
    ]


@pytest.mark.django_db
def test_merge_refused_when_both_entered_the_same_contest(client, pair, organisers, tree):
    first, second, suspect = pair
    contest = ContestFactory(
        owner_unit=tree["C"], participation_root=tree["C"], title="Tìm hiểu Luật Căn cước"
    )
    RegistrationFactory(participant=first, contest=contest, unit=tree["A-1"])
    theirs = RegistrationFactory(participant=second, contest=contest, unit=tree["A-1"])
    response = admin_client(client, organisers["a"]).post(
        decide_url(suspect), {"decision": "keep_original", "note": "Trùng"}
    )
    assert response.status_code == 200
    assert [str(e) for e in response.context["form"].non_field_errors()] == [
        "Không gộp được: cả hai tài khoản đều đã đăng ký cuộc thi “Tìm hiểu Luật Căn cước”. "
        "Hãy truất quyền tài khoản trùng thay vì gộp."
    ]
    theirs.refresh_from_db()
    suspect.refresh_from_db()
    second.user.refresh_from_db()
    assert (theirs.participant_id, suspect.status, second.user.is_active) == (
        second.pk,
        "open",
        True,
    )


@pytest.mark.django_db
def test_disqualify_takes_the_second_accounts_registrations_out(client, pair, organisers, tree):
    first, second, suspect = pair
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    RegistrationFactory(participant=first, contest=contest, unit=tree["A-1"])
    theirs = RegistrationFactory(participant=second, contest=contest, unit=tree["A-1"])
    response = admin_client(client, organisers["a"]).post(
        decide_url(suspect), {"decision": "disqualify", "note": "Dự thi hai lần"}
    )
    assert response.status_code == 302
    disqualification = Disqualification.objects.get()
    assert (disqualification.registration, disqualification.reason_code) == (theirs, "duplicate")
    suspect.refresh_from_db()
    assert (suspect.status, suspect.decision_details) == (
        "disqualified",
        {"disqualified_registrations": [theirs.pk]},
    )


@pytest.mark.django_db
def test_not_a_duplicate_needs_a_reason_and_is_recorded(client, pair, organisers):
    _first, _second, suspect = pair
    client = admin_client(client, organisers["a"])
    refused = client.post(decide_url(suspect), {"decision": "not_duplicate", "note": ""})
    assert [str(e) for e in refused.context["form"].errors["note"]] == [
        "Vui lòng ghi lý do quyết định."
    ]
    assert (
        client.post(
            decide_url(suspect), {"decision": "not_duplicate", "note": "Hai anh em sinh đôi"}
        ).status_code
        == 302
    )
    suspect.refresh_from_db()
    assert (suspect.status, suspect.decision_note) == ("not_duplicate", "Hai anh em sinh đôi")


@pytest.mark.django_db
def test_queue_is_scoped_to_the_organisers_subtree(client, pair, organisers):
    _first, _second, suspect = pair
    listing = admin_client(client, organisers["a"]).get("/quan-tri/participants/duplicatesuspect/")
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [suspect]
    client.force_login(organisers["b"])
    listing_b = client.get("/quan-tri/participants/duplicatesuspect/")
    assert list(listing_b.context["cl"].result_list) == []
    assert client.get(decide_url(suspect)).status_code == 404
    assert (
        client.post(decide_url(suspect), {"decision": "not_duplicate", "note": "x"}).status_code
        == 404
    )
    suspect.refresh_from_db()
    assert suspect.status == "open"
