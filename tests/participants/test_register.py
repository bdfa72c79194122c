"""Registration through the real view, CSRF enforced: every identity rule answers with its own
message on the right field, and nothing is written when anything is refused."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection

from participants import services
from participants.models import ConsentNotice, ConsentRecord, Participant
from tests.participants.conftest import PASSWORD, FormClient, register_data

URL = "/thi-sinh/dang-ky/"
User = get_user_model()


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def assert_nothing_written():
    assert User.objects.count() == 0
    assert Participant.objects.count() == 0
    assert ConsentRecord.objects.count() == 0


@pytest.mark.django_db
def test_register_page_has_unticked_consent_and_no_sensitive_fields(form_client):
    response = form_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="consent_data"' in html
    assert (
        'name="consent_data" class="checkboxinput form-check-input" id="id_consent_data">' in html
    )
    assert "checked" not in html.split('name="consent_data"')[1].split(">")[0]
    for word in ("dân tộc", "tôn giáo", "ethnic", "religion"):
        assert word not in html.lower().replace("không thu thập dân tộc, tôn giáo", "")
    assert "không thể</em> chứng minh" in html


@pytest.mark.django_db
def test_register_success_creates_account_profile_and_consent(form_client):
    response = form_client.submit(URL, register_data())
    assert response.status_code == 302
    assert response["Location"] == "/thi-sinh/cuoc-thi-cua-toi/"
    user = User.objects.get()
    assert user.username == "+84912345678"
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    participant = Participant.objects.get()
    assert (participant.phone, participant.document_number, participant.needs_review) == (
        "+84912345678",
        "001087123456",
        False,
    )
    consent = ConsentRecord.objects.get()
    assert (consent.kind, consent.given, consent.given_by, consent.registration) == (
        "participation",
        True,
        "Nguyễn Văn An",
        None,
    )
    assert consent.notice == ConsentNotice.objects.get(version="2025.1")
    # Logged in straight away.
    assert form_client.get("/thi-sinh/cuoc-thi-cua-toi/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides,field,message",
    [
        (
            {"document_number": "001087123456", "date_of_birth": "17/05/1988"},
            "document_number",
            "Năm sinh theo số căn cước (CCCD) là 1987, không khớp với ngày sinh đã khai "
            "(năm 1988).",
        ),
        (
            {"document_number": "001187123456"},
            "document_number",
            "Giới tính theo số căn cước (CCCD) là Nữ, không khớp với giới tính đã khai (Nam).",
        ),
        (
            {"document_number": "1087123456"},
            "document_number",
            "Số căn cước (CCCD) phải có 12 chữ số, số bạn nhập có 10 chữ số. Có thể số 0 ở đầu đã "
            "bị mất (thường do bảng tính Excel): hãy nhập đủ 12 số, kể cả các số 0 ở đầu.",
        ),
        (
            {"document_number": "001587123456"},
            "document_number",
            "Chữ số thứ 4 của số căn cước (CCCD) cho biết thế kỷ sinh và giới tính, chỉ có thể là "
            "0, 1, 2 hoặc 3. Vui lòng kiểm tra lại.",
        ),
        (
            {"document_number": "123456789"},
            "document_number",
            "Chứng minh nhân dân 9 số đã hết giá trị từ ngày 31/12/2024. Vui lòng nhập số căn cước "
            "(CCCD) 12 số.",
        ),
        (
            {"document_number": "099087123456"},
            "document_number",
            "Mã nơi đăng ký khai sinh 099 (3 chữ số đầu) không thuộc 63 tỉnh, thành phố. Nếu khai "
            "sinh của bạn được đăng ký ở nước ngoài, hãy đánh dấu ô xác nhận; hồ sơ sẽ được ban "
            "tổ chức rà soát.",
        ),
        (
            {"phone": "01623456789"},
            "phone",
            "Đầu số 0162 đã được chuyển thành 032 từ năm 2018. Vui lòng nhập số mới: 0323456789.",
        ),
        (
            {"phone": "0212345678"},
            "phone",
            "Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09 (ví dụ 0912 "
            "345 678).",
        ),
        (
            {"document_type": "passport", "document_number": "ab-12", "issuing_country": "KR"},
            "document_number",
            "Số hộ chiếu hoặc thẻ cư trú gồm từ 5 đến 20 chữ cái in hoa (A–Z) và chữ số.",
        ),
        (
            {"document_type": "passport", "document_number": "M1234567", "issuing_country": "K"},
            "issuing_country",
            "Quốc gia cấp: nhập mã 2 chữ cái theo ISO 3166 (ví dụ KR, JP, US, FR).",
        ),
        (
            {"consent_data": None},
            "consent_data",
            "Bạn cần đồng ý cho Ban Tổ chức xử lý dữ liệu cá nhân để tạo tài khoản.",
        ),
        ({"password2": "something-else-2025"}, "password2", "Hai mật khẩu không giống nhau."),
        ({"full_name": ""}, "full_name", "Vui lòng nhập họ và tên."),
        (
            {"date_of_birth": "31/02/1987"},
            "date_of_birth",
            "Ngày sinh không hợp lệ (ví dụ 17/05/1990).",
        ),
        (
            {"date_of_birth": "01/01/2999", "document_number": "001387123456", "gender": "female"},
            "date_of_birth",
            "Ngày sinh không thể ở tương lai.",
        ),
        (
            {"date_of_birth": "31/12/1899", "document_number": "001099123456"},
            "date_of_birth",
            "Ngày sinh không thể trước 01/01/1900.",
        ),
        ({"gender": "other"}, "gender", "Vui lòng chọn giới tính."),
        ({"document_type": "cmnd"}, "document_type", "Vui lòng chọn loại giấy tờ."),
        ({"email": "not-an-email"}, "email", "Địa chỉ thư điện tử không hợp lệ."),
    ],
)
def test_each_rule_has_its_message_on_its_field(form_client, overrides, field, message):
    response = form_client.submit(URL, register_data(**overrides))
    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert message in response.content.decode()
    assert_nothing_written()


@pytest.mark.django_db
def test_weak_password_refused_in_vietnamese(form_client):
    response = form_client.submit(URL, register_data(password1="12345678", password2="12345678"))
    errors = field_errors(response, "password1")
    assert "Mật khẩu này quá phổ biến." in errors
    assert_nothing_written()


@pytest.mark.django_db
def test_foreign_birth_confirmed_flags_for_review(form_client):
    response = form_client.submit(
        URL, register_data(document_number="099087123456", foreign_birth_confirmed="on")
    )
    assert response.status_code == 302
    participant = Participant.objects.get()
    assert (participant.foreign_birth_confirmed, participant.needs_review) == (True, True)


@pytest.mark.django_db
def test_foreigner_registers_with_passport(form_client):
    response = form_client.submit(
        URL,
        register_data(
            document_type="passport",
            document_number="m 1234 567",
            issuing_country="kr",
            phone="+84 398 765 432",
        ),
    )
    assert response.status_code == 302
    participant = Participant.objects.get()
    assert (participant.document_number, participant.issuing_country, participant.phone) == (
        "M1234567",
        "KR",
        "+84398765432",
    )


@pytest.mark.django_db
def test_duplicate_phone_in_another_spelling_refused(form_client):
    assert form_client.submit(URL, register_data()).status_code == 302
    other = FormClient()
    response = other.submit(
        URL,
        register_data(
            phone="+84 912.345.678", document_number="001090000001", date_of_birth="01/01/1990"
        ),
    )
    assert field_errors(response, "phone") == [
        "Số điện thoại này đã được dùng cho một tài khoản khác."
    ]
    assert Participant.objects.count() == 1 and User.objects.count() == 1


@pytest.mark.django_db
def test_duplicate_document_refused(form_client):
    assert form_client.submit(URL, register_data()).status_code == 302
    other = FormClient()
    response = other.submit(
        URL, register_data(phone="0987654321", document_number="001 087 123 456")
    )
    assert field_errors(response, "document_number") == [
        "Số giấy tờ này đã được dùng cho một tài khoản khác."
    ]
    assert Participant.objects.count() == 1 and User.objects.count() == 1


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused_and_writes_nothing():
    client = FormClient()
    response = client.post_raw(URL, register_data())
    assert response.status_code == 403
    assert_nothing_written()


@pytest.mark.django_db
def test_cascade_step_without_javascript_keeps_input_and_writes_nothing(form_client, tree):
    response = form_client.submit(
        URL,
        register_data(noi_cu_tru_0=str(tree["C"].pk), _cascade="noi_cu_tru"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="noi_cu_tru_1"' in html  # the next level is offered
    assert 'value="Nguyễn Văn An"' in html  # what was typed is kept
    assert PASSWORD not in html  # passwords are never sent back
    assert_nothing_written()


@pytest.mark.django_db
def test_register_with_units_chosen_by_cascade(form_client, tree):
    data = register_data(
        noi_cu_tru_0=str(tree["C"].pk),
        noi_cu_tru_1=str(tree["C-Q"].pk),
        noi_cu_tru_2=str(tree["A"].pk),
        noi_cu_tru_3=str(tree["A-1"].pk),
        noi_cong_tac_0=str(tree["C"].pk),
        noi_cong_tac_1=str(tree["C-D"].pk),
    )
    assert form_client.submit(URL, data).status_code == 302
    participant = Participant.objects.get()
    assert participant.residence_unit == tree["A-1"]
    assert participant.work_unit == tree["C-D"]


@pytest.mark.django_db
def test_tampered_cascade_cannot_pick_a_unit_outside_the_chain(form_client, tree):
    # Level 1 names a unit that is not a child of level 0's choice: the chain stops there.
    data = register_data(noi_cu_tru_0=str(tree["C"].pk), noi_cu_tru_1=str(tree["A-1"].pk))
    assert form_client.submit(URL, data).status_code == 302
    assert Participant.objects.get().residence_unit == tree["C"]


@pytest.mark.django_db
def test_unit_children_json(form_client, tree):
    response = form_client.get(f"/thi-sinh/don-vi/{tree['A'].pk}/con/")
    assert response.json() == {
        "children": [
            {"id": tree["A-1"].pk, "name": "Phường A1", "has_children": False},
            {"id": tree["A-2"].pk, "name": "Phường A2", "has_children": False},
        ]
    }
    assert form_client.get("/thi-sinh/don-vi/999999/con/").status_code == 404


# --- Races -----------------------------------------------------------------------------------


def _race(calls):
    """Run the calls at the same moment, each thread on its own database connection."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = ("ok", call())
        except ValidationError as exc:
            results[i] = ("error", exc.message_dict)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _register_kwargs(**overrides):
    import datetime

    kwargs = {
        "full_name": "Trần Thị Bình",
        "date_of_birth": datetime.date(1999, 3, 4),
        "gender": "female",
        "document_type": "cccd",
        "document_number": "035199000123",
        "phone": "0987654321",
        "password": PASSWORD,
        "consent_data": True,
    }
    kwargs.update(overrides)
    return kwargs


@pytest.mark.django_db(transaction=True)
def test_two_registrations_racing_for_one_phone():
    results = _race(
        [
            lambda: services.participant_register(**_register_kwargs()),
            lambda: services.participant_register(
                **_register_kwargs(document_number="001199000777")
            ),
        ]
    )
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["error", "ok"]
    error = next(r[1] for r in results if r[0] == "error")
    assert error == {"phone": ["Số điện thoại này đã được dùng cho một tài khoản khác."]}
    assert Participant.objects.count() == 1 and User.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_registrations_racing_for_one_document():
    results = _race(
        [
            lambda: services.participant_register(**_register_kwargs()),
            lambda: services.participant_register(**_register_kwargs(phone="0356789012")),
        ]
    )
    assert sorted(r[0] for r in results) == ["error", "ok"]
    error = next(r[1] for r in results if r[0] == "error")
    assert error == {"document_number": ["Số giấy tờ này đã được dùng cho một tài khoản khác."]}
    assert Participant.objects.count() == 1 and User.objects.count() == 1
