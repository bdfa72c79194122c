"""Joining a contest through the real view (CSRF enforced): eligibility, unit subtree and
block, consents, guardian under 16, duplicates and races, identity lock."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from contests.models import ExcludedPerson
from contests.refusals import Refused
from participants import services
from participants.models import ConsentRecord, Registration
from tests.factories import ContestFactory, ParticipantFactory, UserFactory

URL = "/thi-sinh/tham-gia/thi-tim-hieu/"


def citizen(born: datetime.date, **kwargs):
    """A participant whose CCCD agrees with `born` (male)."""
    digit = 0 if born.year < 2000 else 2
    number = kwargs.pop(
        "document_number", f"001{digit}{born.year % 100:02d}{born.day:02d}{born.month:02d}00"
    )
    return ParticipantFactory(date_of_birth=born, document_number=number, **kwargs)


def join_data(unit, **overrides):
    data = {"don_vi_0": "", "consent_participation": "on"}
    chain = overrides.pop("chain", None)
    for i, u in enumerate(chain or []):
        data[f"don_vi_{i}"] = str(u.pk)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def ward_chain(tree):
    return [tree["C-Q"], tree["A"], tree["A-1"]]


def errors(response, field="__all__"):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


@pytest.fixture
def logged_in(form_client):
    def login(participant):
        form_client.force_login(participant.user)
        return form_client

    return login


@pytest.mark.django_db
def test_join_records_unit_block_age_group_and_consents(contest, tree, logged_in):
    person = citizen(datetime.date(1987, 5, 17))
    client = logged_in(person)
    page = client.get(URL)
    assert page.status_code == 200
    assert 'name="consent_participation"' in page.content.decode()
    assert 'name="guardian_name"' not in page.content.decode()
    response = client.submit(URL, join_data(None, chain=ward_chain(tree)))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.unit, registration.block) == (tree["A-1"], tree["C-Q"])
    assert (registration.age_on_reference, registration.age_group) == (36, "18+")
    assert (registration.consent_participation, registration.consent_publish) == (True, False)
    assert registration.document_number == person.document_number
    kinds = sorted(
        ConsentRecord.objects.filter(registration=registration).values_list("kind", "given")
    )
    assert kinds == [("participation", True), ("publish", False)]
    assert registration.may_show_name is False


@pytest.mark.django_db
def test_block_for_a_department_and_none_for_the_root(contest, tree):
    person = citizen(datetime.date(1987, 5, 17))
    reg = services.registration_create(
        participant=person,
        contest=contest,
        unit=tree["C-D-1"],
        consent_participation=True,
        consent_publish=True,
    )
    assert reg.block == tree["C-D"]
    other = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    reg2 = services.registration_create(
        participant=person,
        contest=other,
        unit=tree["C"],
        consent_participation=True,
        consent_publish=True,
    )
    assert reg2.block is None


@pytest.mark.django_db
def test_age_exactly_14_on_reference_date_passes(contest, tree, logged_in):
    # Reference date 01/09/2023: born 01/09/2009 is exactly 14.
    person = citizen(datetime.date(2009, 9, 1))
    client = logged_in(person)
    response = client.submit(
        URL,
        join_data(
            None,
            chain=ward_chain(tree),
            guardian_name="Nguyễn Văn Bố",
            guardian_phone="0912 000 111",
            guardian_relationship="Bố",
            guardian_consent="on",
            consent_publish="on",
        ),
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.age_on_reference, registration.age_group) == (14, "u18")
    assert (registration.guardian_phone, registration.guardian_consent) == ("+84912000111", True)
    assert registration.may_show_name is True
    guardian = ConsentRecord.objects.get(registration=registration, kind="guardian")
    assert guardian.given_by == "Nguyễn Văn Bố (Bố)"


@pytest.mark.django_db
def test_one_day_short_of_14_fails(contest, tree, logged_in):
    person = citizen(datetime.date(2009, 9, 2))
    client = logged_in(person)
    response = client.submit(
        URL,
        join_data(
            None,
            chain=ward_chain(tree),
            guardian_name="Nguyễn Văn Bố",
            guardian_phone="0912000111",
            guardian_relationship="Bố",
            guardian_consent="on",
        ),
    )
    assert response.status_code == 200
    assert errors(response) == [
        "Cuộc thi dành cho người từ đủ 14 tuổi trở lên tính đến ngày 01/09/2023; theo ngày sinh "
        "đã khai, khi đó bạn 13 tuổi."
    ]
    assert Registration.objects.count() == 0 and ConsentRecord.objects.count() == 0


@pytest.mark.django_db
def test_reference_date_defaults_to_opening_day_in_vietnam(tree):
    # Opens 1/9/2023 00:30 in Hà Nội = 31/8/2023 17:30 UTC: the reference day is 1/9.
    opens = datetime.datetime(2023, 8, 31, 17, 30, tzinfo=datetime.UTC)
    contest = ContestFactory(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        opens_at=opens,
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    person = citizen(datetime.date(2009, 9, 1))
    reg = services.registration_create(
        participant=person,
        contest=contest,
        unit=tree["A-1"],
        consent_participation=True,
        consent_publish=False,
        guardian_name="Bố",
        guardian_phone="0912000111",
        guardian_relationship="Bố",
        guardian_consent=True,
    )
    assert reg.age_on_reference == 14


@pytest.mark.django_db
def test_under_16_needs_guardian_name_phone_relationship_and_consent(contest, tree, logged_in):
    person = citizen(datetime.date(2008, 1, 1))  # 15 on 01/09/2023
    client = logged_in(person)
    assert 'name="guardian_name"' in client.get(URL).content.decode()
    response = client.submit(
        URL, join_data(None, chain=ward_chain(tree), guardian_phone="01623456789")
    )
    assert response.status_code == 200
    assert errors(response, "guardian_name") == [
        "Người dưới 16 tuổi cần ghi họ tên cha, mẹ hoặc người giám hộ."
    ]
    assert errors(response, "guardian_phone") == [
        "Đầu số 0162 đã được chuyển thành 032 từ năm 2018. Vui lòng nhập số mới: 0323456789."
    ]
    assert errors(response, "guardian_relationship") == [
        "Vui lòng ghi quan hệ với người dự thi (cha, mẹ, người giám hộ…)."
    ]
    assert errors(response, "guardian_consent") == [
        "Người dưới 16 tuổi cần có sự đồng ý của cha, mẹ hoặc người giám hộ."
    ]
    assert Registration.objects.count() == 0 and ConsentRecord.objects.count() == 0


@pytest.mark.django_db
def test_16_needs_no_guardian(contest, tree):
    person = citizen(datetime.date(2007, 9, 1))  # exactly 16
    reg = services.registration_create(
        participant=person,
        contest=contest,
        unit=tree["A-1"],
        consent_participation=True,
        consent_publish=True,
    )
    assert (reg.age_on_reference, reg.guardian_consent, reg.may_show_name) == (16, False, True)


@pytest.mark.django_db
def test_consent_to_take_part_is_required(contest, tree, logged_in):
    client = logged_in(citizen(datetime.date(1987, 5, 17)))
    response = client.submit(
        URL, join_data(None, chain=ward_chain(tree), consent_participation=None)
    )
    assert errors(response, "consent_participation") == [
        "Bạn cần đồng ý tham gia và cho phép xử lý dữ liệu cá nhân để dự thi."
    ]
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_unit_is_required_and_must_be_in_the_subtree(tree, logged_in):
    contest = ContestFactory(
        slug="thi-tim-hieu", owner_unit=tree["A"], participation_root=tree["A"]
    )
    person = citizen(datetime.date(1987, 5, 17))
    client = logged_in(person)
    response = client.submit(URL, join_data(None))
    assert response.status_code == 200
    assert "Vui lòng chọn đơn vị dự thi." in response.content.decode()
    # A unit of another district, forged into the form: the chain ignores it.
    response = client.submit(URL, join_data(None, don_vi_0=str(tree["B-1"].pk)))
    assert "Vui lòng chọn đơn vị dự thi." in response.content.decode()
    # And the service refuses it directly too.
    with pytest.raises(ValidationError) as exc:
        services.registration_create(
            participant=person,
            contest=contest,
            unit=tree["B-1"],
            consent_participation=True,
            consent_publish=False,
        )
    assert exc.value.message_dict == {"unit": ["Đơn vị dự thi phải thuộc Quận A."]}
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_cascade_step_without_javascript(contest, tree, logged_in):
    client = logged_in(citizen(datetime.date(1987, 5, 17)))
    response = client.submit(
        URL, {"don_vi_0": str(tree["C-Q"].pk), "_cascade": "don_vi", "consent_publish": "on"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="don_vi_1"' in html and "Quận A" in html and "Quận B" in html
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_excluded_person_refused(contest, tree, logged_in):
    person = citizen(datetime.date(1987, 5, 17))
    ExcludedPerson.objects.create(
        contest=contest, document_number=person.document_number, reason="Giám khảo"
    )
    client = logged_in(person)
    response = client.submit(URL, join_data(None, chain=ward_chain(tree)))
    assert errors(response) == [
        "Số giấy tờ của bạn thuộc danh sách không được dự thi cuộc thi này (thành viên Ban Tổ "
        "chức, Ban Giám khảo…)."
    ]
    assert Registration.objects.count() == 0


@pytest.mark.django_db
def test_citizens_and_foreigners_rules(contest, tree):
    foreigner = ParticipantFactory(
        document_type="passport", document_number="M1234567", issuing_country="KR"
    )
    contest.allow_foreigners = False
    contest.save()
    with pytest.raises(Refused) as exc:
        services.registration_create(
            participant=foreigner,
            contest=contest,
            unit=tree["A-1"],
            consent_participation=True,
            consent_publish=False,
        )
    assert (exc.value.code, str(exc.value)) == (
        "foreigners_not_allowed",
        "Cuộc thi này chỉ dành cho công dân Việt Nam (có số căn cước).",
    )
    contest.allow_foreigners, contest.allow_citizens = True, False
    contest.save()
    reg = services.registration_create(
        participant=foreigner,
        contest=contest,
        unit=tree["A-1"],
        consent_participation=True,
        consent_publish=False,
    )
    assert reg.document_type == "passport"
    with pytest.raises(Refused) as exc:
        services.registration_create(
            participant=citizen(datetime.date(1987, 5, 17)),
            contest=contest,
            unit=tree["A-1"],
            consent_participation=True,
            consent_publish=False,
        )
    assert (exc.value.code, str(exc.value)) == (
        "citizens_not_allowed",
        "Cuộc thi này không dành cho công dân Việt Nam.",
    )


@pytest.mark.django_db
def test_closed_and_draft_contests(tree):
    person = citizen(datetime.date(1987, 5, 17))
    closed = ContestFactory(
        owner_unit=tree["C"],
        participation_root=tree["C"],
        opens_at=timezone.now() - datetime.timedelta(days=10),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(Refused) as exc:
        services.registration_create(
            participant=person,
            contest=closed,
            unit=tree["A-1"],
            consent_participation=True,
            consent_publish=False,
        )
    assert (exc.value.code, str(exc.value)) == (
        "closed",
        "Cuộc thi đã kết thúc, không nhận đăng ký.",
    )
    draft = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"], status="draft")
    with pytest.raises(Refused) as exc:
        services.registration_create(
            participant=person,
            contest=draft,
            unit=tree["A-1"],
            consent_participation=True,
            consent_publish=False,
        )
    assert (exc.value.code, str(exc.value)) == (
        "not_published",
        "Cuộc thi này chưa mở đăng ký.",
    )


@pytest.mark.django_db
def test_unknown_contest_is_404(form_client, tree):
    form_client.force_login(citizen(datetime.date(1987, 5, 17)).user)
    assert form_client.get("/thi-sinh/tham-gia/khong-co/").status_code == 404


@pytest.mark.django_db
def test_second_join_is_refused_with_a_message(contest, tree, logged_in):
    person = citizen(datetime.date(1987, 5, 17))
    services.registration_create(
        participant=person,
        contest=contest,
        unit=tree["A-1"],
        consent_participation=True,
        consent_publish=False,
    )
    with pytest.raises(Refused) as exc:
        services.registration_create(
            participant=person,
            contest=contest,
            unit=tree["A-2"],
            consent_participation=True,
            consent_publish=False,
        )
    assert (exc.value.code, str(exc.value)) == (
        "already_registered",
        "Bạn đã đăng ký dự thi cuộc thi này rồi.",
    )
    client = logged_in(person)
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == "/thi-sinh/cuoc-thi-cua-toi/"
    assert Registration.objects.count() == 1


@pytest.mark.django_db
def test_same_document_in_one_contest_is_refused_by_the_constraint(contest, tree):
    first = citizen(datetime.date(1987, 5, 17))
    services.registration_create(
        participant=first,
        contest=contest,
        unit=tree["A-1"],
        consent_participation=True,
        consent_publish=False,
    )
    # A second account carrying the same document (e.g. an earlier type mismatch) is refused.
    second = ParticipantFactory(document_type="passport", document_number="P0000001")
    Registration.objects.filter(participant=first).update(
        document_type="passport", document_number="P0000001"
    )
    with pytest.raises(Refused) as exc:
        services.registration_create(
            participant=second,
            contest=contest,
            unit=tree["A-1"],
            consent_participation=True,
            consent_publish=False,
        )
    assert (exc.value.code, str(exc.value)) == (
        "document_registered",
        "Số giấy tờ P0****01 đã được dùng để đăng ký cuộc thi này.",
    )


@pytest.mark.django_db(transaction=True)
def test_two_joins_racing_one_wins_the_other_gets_a_message(tree):
    contest = ContestFactory(owner_unit=tree["C"], participation_root=tree["C"])
    person = citizen(datetime.date(1987, 5, 17))
    barrier = threading.Barrier(2)
    results = []

    def run(unit):
        try:
            barrier.wait()
            services.registration_create(
                participant=person,
                contest=contest,
                unit=unit,
                consent_participation=True,
                consent_publish=False,
            )
            results.append("ok")
        except Refused as exc:
            results.append((exc.code, str(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in (tree["A-1"], tree["A-2"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results, key=str) == sorted(
        ["ok", ("already_registered", "Bạn đã đăng ký dự thi cuộc thi này rồi.")], key=str
    )
    assert Registration.objects.count() == 1
    assert ConsentRecord.objects.count() == 2  # participation + publish of the winner only


# --- Identity lock and organiser changes -----------------------------------------------------


def _with_attempt(registration):
    from scoring.models import Attempt

    now = timezone.now()
    return Attempt.objects.create(
        registration=registration,
        contest=registration.contest,
        number=1,
        items=[],
        started_at=now,
        deadline=now + datetime.timedelta(minutes=20),
        question_count=0,
    )


@pytest.mark.django_db
def test_identity_locked_after_an_attempt_and_changed_by_an_organiser(
    contest, tree, organisers, form_client
):
    person = citizen(datetime.date(1987, 5, 17), full_name="Nguyễn Văn An")
    registration = services.registration_create(
        participant=person,
        contest=contest,
        unit=tree["A-1"],
        consent_participation=True,
        consent_publish=False,
    )
    form_client.force_login(person.user)
    profile = {
        "full_name": "Nguyễn Văn Ân",
        "date_of_birth": "1987-05-17",
        "gender": "male",
        "document_type": "cccd",
        "document_number": person.document_number,
        "email": "an@example.vn",
    }
    # Before any attempt the person corrects their own name.
    assert form_client.submit("/thi-sinh/ho-so/", profile).status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.email) == ("Nguyễn Văn Ân", "an@example.vn")

    _with_attempt(registration)
    page = form_client.get("/thi-sinh/ho-so/")
    assert "Thông tin định danh đã khóa vì bạn đã làm bài thi." in page.content.decode()
    response = form_client.submit(
        "/thi-sinh/ho-so/", {**profile, "full_name": "Người Khác", "email": "x@example.vn"}
    )
    assert response.status_code == 302  # contact details saved, identity untouched (disabled)
    person.refresh_from_db()
    assert (person.full_name, person.email) == ("Nguyễn Văn Ân", "x@example.vn")
    with pytest.raises(ValidationError) as exc:
        services.participant_update(
            participant=person,
            email="",
            residence_unit=None,
            work_unit=None,
            identity_changes={"full_name": "Người Khác"},
        )
    assert exc.value.message_dict == {
        "__all__": [
            "Thông tin định danh đã khóa vì bạn đã làm bài thi. Muốn sửa, hãy liên hệ Ban Tổ chức."
        ]
    }

    # The organiser corrects the birth date and number; the registration's copy follows.
    change = services.identity_change(
        participant=person,
        changed_by=organisers["a"],
        reason="Sai ngày sinh, đã đối chiếu CCCD gốc",
        changes={"date_of_birth": datetime.date(1988, 5, 17), "document_number": "001088123456"},
    )
    person.refresh_from_db()
    registration.refresh_from_db()
    assert person.document_number == "001088123456"
    assert (registration.document_number, registration.age_on_reference) == ("001088123456", 35)
    assert change.before["date_of_birth"] == "1987-05-17"
    assert change.after["document_number"] == "001088123456"
    assert change.changed_by == organisers["a"]


@pytest.mark.django_db
def test_organiser_change_follows_the_same_rules_and_needs_a_reason(contest, tree, organisers):
    person = citizen(datetime.date(1987, 5, 17))
    with pytest.raises(ValidationError) as exc:
        services.identity_change(
            participant=person, changed_by=organisers["a"], reason=" ", changes={}
        )
    assert exc.value.message_dict == {"reason": ["Vui lòng ghi lý do thay đổi."]}
    with pytest.raises(ValidationError) as exc:
        services.identity_change(
            participant=person,
            changed_by=organisers["a"],
            reason="x",
            changes={"date_of_birth": datetime.date(1990, 1, 1)},
        )
    assert exc.value.message_dict == {
        "document_number": [
            "Năm sinh theo số căn cước (CCCD) là 1987, không khớp với ngày sinh đã khai (năm 1990)."
        ]
    }
    person.refresh_from_db()
    assert person.date_of_birth == datetime.date(1987, 5, 17)
    assert person.identity_changes.count() == 0


@pytest.mark.django_db
def test_my_contests_lists_joined_and_open_contests(contest, tree, form_client):
    person = citizen(datetime.date(1987, 5, 17))
    other = ContestFactory(
        slug="cuoc-thi-khac",
        title="Cuộc thi khác",
        owner_unit=tree["C"],
        participation_root=tree["C"],
    )
    services.registration_create(
        participant=person,
        contest=contest,
        unit=tree["A-1"],
        consent_participation=True,
        consent_publish=False,
    )
    form_client.force_login(person.user)
    html = form_client.get("/thi-sinh/cuoc-thi-cua-toi/").content.decode()
    assert contest.title in html and "Đơn vị dự thi: Phường A1" in html
    assert f'href="/thi-sinh/tham-gia/{other.slug}/"' in html
    assert f'href="/thi-sinh/tham-gia/{contest.slug}/"' not in html
    # The start page and the attempts page are scoring's: linked by the template only.
    assert f'href="/bai-thi/bat-dau/{contest.slug}/"' in html
    assert 'href="/bai-thi/"' in html


@pytest.mark.django_db
def test_account_without_profile_is_sent_to_register(contest, form_client):
    form_client.force_login(UserFactory())
    response = form_client.get(URL)
    assert response.status_code == 302 and response["Location"] == "/thi-sinh/dang-ky/"


@pytest.mark.django_db
def test_profile_bad_identity_change_answered_and_nothing_written(form_client):
    person = citizen(datetime.date(1987, 5, 17), full_name="Nguyễn Văn An")
    form_client.force_login(person.user)
    response = form_client.submit(
        "/thi-sinh/ho-so/",
        {
            "full_name": "Nguyễn Văn An",
            "date_of_birth": "1987-05-17",
            "gender": "female",
            "document_type": "cccd",
            "document_number": person.document_number,
            "email": "new@example.vn",
        },
    )
    assert response.status_code == 200
    assert [str(e) for e in response.context["form"].errors["document_number"]] == [
        "Giới tính theo số căn cước (CCCD) là Nam, không khớp với giới tính đã khai (Nữ)."
    ]
    person.refresh_from_db()
    assert (person.gender, person.email) == ("male", "")


@pytest.mark.django_db
def test_join_page_says_the_refusal_before_the_form_is_sent(contest, tree, logged_in):
    young = citizen(datetime.date(2009, 9, 2))
    html = logged_in(young).get(URL).content.decode()
    assert (
        '<div class="alert alert-warning" role="alert" id="join-refusal">Cuộc thi dành cho '
        "người từ đủ 14 tuổi trở lên tính đến ngày 01/09/2023; theo ngày sinh đã khai, khi đó "
        "bạn 13 tuổi.</div>"
    ) in html
    # Under 16 without a guardian's consent: the form asks for it, no refusal is shown.
    minor = citizen(datetime.date(2008, 1, 1))
    html = logged_in(minor).get(URL).content.decode()
    assert 'id="join-refusal"' not in html and 'id="guardian-missing"' in html
