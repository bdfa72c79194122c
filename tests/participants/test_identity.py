"""The identity rules of IDENTITY.md, on the pure validators (the views are tested in
test_register.py with the same messages on the form fields)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from participants import identity
from participants.identity import PROVINCE_CODES, normalise_phone, parse_cccd


def messages_of(exc_info):
    return [str(m) for m in exc_info.value.messages]


def codes_of(exc_info):
    return [e.code for e in exc_info.value.error_list]


# --- The examples of IDENTITY.md -------------------------------------------------------------


def test_example_hanoi_male_1987():
    info = parse_cccd("001087123456", date_of_birth=datetime.date(1987, 3, 2), gender="male")
    assert (info.number, info.province_name, info.gender, info.birth_year) == (
        "001087123456",
        "Hà Nội",
        "male",
        1987,
    )
    assert info.foreign_birth is False


def test_example_ninh_binh_female_1953():
    info = parse_cccd("037153000257", date_of_birth=datetime.date(1953, 1, 1), gender="female")
    assert (info.province_name, info.gender, info.birth_year) == ("Ninh Bình", "female", 1953)


def test_example_ha_nam_female_1999():
    info = parse_cccd("035199000123", date_of_birth=datetime.date(1999, 12, 31), gender="female")
    assert (info.province_name, info.gender, info.birth_year) == ("Hà Nam", "female", 1999)


def test_example_birth_year_mismatch():
    with pytest.raises(ValidationError) as exc:
        parse_cccd("001087123456", date_of_birth=datetime.date(1988, 1, 1), gender="male")
    assert codes_of(exc) == ["cccd_birth_year"]
    assert messages_of(exc) == [
        "Năm sinh theo số căn cước (CCCD) là 1987, không khớp với ngày sinh đã khai (năm 1988)."
    ]


def test_example_gender_mismatch():
    with pytest.raises(ValidationError) as exc:
        parse_cccd("001187123456", date_of_birth=datetime.date(1987, 1, 1), gender="male")
    assert codes_of(exc) == ["cccd_gender"]
    assert messages_of(exc) == [
        "Giới tính theo số căn cước (CCCD) là Nữ, không khớp với giới tính đã khai (Nam)."
    ]


def test_both_mismatches_reported_together():
    with pytest.raises(ValidationError) as exc:
        parse_cccd("001187123456", date_of_birth=datetime.date(1990, 1, 1), gender="male")
    assert codes_of(exc) == ["cccd_birth_year", "cccd_gender"]


@pytest.mark.parametrize("raw,count", [("1087123456", 10), ("01087123456", 11)])
def test_example_leading_zero_lost(raw, count):
    with pytest.raises(ValidationError) as exc:
        parse_cccd(raw)
    assert codes_of(exc) == ["cccd_leading_zero"]
    assert messages_of(exc) == [
        f"Số căn cước (CCCD) phải có 12 chữ số, số bạn nhập có {count} chữ số. Có thể số 0 ở "
        "đầu đã bị mất (thường do bảng tính Excel): hãy nhập đủ 12 số, kể cả các số 0 ở đầu."
    ]


# --- Each rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["001 087 123 456", "001.087.123.456", "001-087-123-456", " 001087123456 "]
)
def test_separators_are_stripped_and_number_stays_a_string(raw):
    assert parse_cccd(raw).number == "001087123456"


@pytest.mark.parametrize("digit", "456789")
def test_century_digit_above_3_is_refused(digit):
    with pytest.raises(ValidationError) as exc:
        parse_cccd(f"001{digit}87123456")
    assert messages_of(exc) == [
        "Chữ số thứ 4 của số căn cước (CCCD) cho biết thế kỷ sinh và giới tính, chỉ có thể là "
        "0, 1, 2 hoặc 3. Vui lòng kiểm tra lại."
    ]


@pytest.mark.parametrize(
    "number,gender,year",
    [
        ("001087123456", "male", 1987),
        ("001187123456", "female", 1987),
        ("001207123456", "male", 2007),
        ("001310123456", "female", 2010),
    ],
)
def test_century_and_gender_digit(number, gender, year):
    info = parse_cccd(number)
    assert (info.gender, info.birth_year) == (gender, year)


def test_province_outside_the_63_asks_for_confirmation():
    with pytest.raises(ValidationError) as exc:
        parse_cccd("003087123456")
    assert codes_of(exc) == ["cccd_foreign_birth"]
    assert messages_of(exc) == [
        "Mã nơi đăng ký khai sinh 003 (3 chữ số đầu) không thuộc 63 tỉnh, thành phố. Nếu khai "
        "sinh của bạn được đăng ký ở nước ngoài, hãy đánh dấu ô xác nhận; hồ sơ sẽ được ban tổ "
        "chức rà soát."
    ]
    info = parse_cccd("003087123456", foreign_birth_confirmed=True)
    assert info.foreign_birth is True and info.province_name is None


def test_the_63_province_codes():
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["001"] == "Hà Nội" and PROVINCE_CODES["096"] == "Cà Mau"


def test_old_cmnd_refused_after_2024_accepted_before():
    with pytest.raises(ValidationError) as exc:
        parse_cccd("012345678", on_date=datetime.date(2025, 1, 1))
    assert messages_of(exc) == [
        "Chứng minh nhân dân 9 số đã hết giá trị từ ngày 31/12/2024. Vui lòng nhập số căn cước "
        "(CCCD) 12 số."
    ]
    with pytest.raises(ValidationError):
        parse_cccd("012345678")  # no date: today, long after 2024
    assert parse_cccd("012345678", on_date=datetime.date(2024, 12, 31)).is_cmnd is True


@pytest.mark.parametrize(
    "raw,message",
    [
        ("00108712345A", "Số căn cước (CCCD) chỉ gồm chữ số."),
        ("0010871234567", "Số căn cước (CCCD) phải có đúng 12 chữ số (số bạn nhập có 13 chữ số)."),
        ("12345", "Số căn cước (CCCD) phải có đúng 12 chữ số (số bạn nhập có 5 chữ số)."),
        ("", "Vui lòng nhập số căn cước (CCCD)."),
        ("٠٠١٠٨٧١٢٣٤٥٦", "Số căn cước (CCCD) chỉ gồm chữ số."),
    ],
)
def test_other_bad_numbers(raw, message):
    with pytest.raises(ValidationError) as exc:
        parse_cccd(raw)
    assert messages_of(exc) == [message]


@pytest.mark.parametrize("raw", ["b1234567", "B 123-4567", "M12345", "ABCDEFGHIJ0123456789"])
def test_foreign_document_normalised(raw):
    assert identity.normalise_foreign_document(raw) == raw.replace(" ", "").replace("-", "").upper()


@pytest.mark.parametrize("raw", ["AB12", "A" * 21, "ÄB1234", "AB_1234", "AB12#34"])
def test_foreign_document_refused(raw):
    with pytest.raises(ValidationError) as exc:
        identity.normalise_foreign_document(raw)
    assert messages_of(exc) == [
        "Số hộ chiếu hoặc thẻ cư trú gồm từ 5 đến 20 chữ cái in hoa (A–Z) và chữ số."
    ]


# --- Phone -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "+84912345678",
        "+84 912 345 678",
        "84912345678",
        "0084912345678",
        "(091) 234-5678",
    ],
)
def test_phone_spellings(raw):
    assert normalise_phone(raw) == "+84912345678"


@pytest.mark.parametrize(
    "old,new",
    [
        ("01623456789", "0323456789"),
        ("01693456789", "0393456789"),
        ("01203456789", "0703456789"),
        ("01213456789", "0793456789"),
        ("01223456789", "0773456789"),
        ("01263456789", "0763456789"),
        ("01283456789", "0783456789"),
        ("01233456789", "0833456789"),
        ("01243456789", "0843456789"),
        ("01253456789", "0853456789"),
        ("01273456789", "0813456789"),
        ("01293456789", "0823456789"),
        ("01863456789", "0563456789"),
        ("01883456789", "0583456789"),
        ("01993456789", "0593456789"),
    ],
)
def test_old_prefix_hint(old, new):
    with pytest.raises(ValidationError) as exc:
        normalise_phone(old)
    assert codes_of(exc) == ["phone_old_prefix"]
    assert messages_of(exc) == [
        f"Đầu số {old[:4]} đã được chuyển thành {new[:3]} từ năm 2018. Vui lòng nhập số mới: {new}."
    ]
    assert normalise_phone(new) == "+84" + new[1:]


@pytest.mark.parametrize(
    "raw", ["0212345678", "091234567", "09123456789", "abc", "0412345678", "+1 650 555 1234"]
)
def test_phone_refused(raw):
    with pytest.raises(ValidationError) as exc:
        normalise_phone(raw)
    assert messages_of(exc) == [
        "Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09 "
        "(ví dụ 0912 345 678)."
    ]


# --- Age -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "born,on,age",
    [
        ("2009-09-01", "2023-09-01", 14),
        ("2009-09-02", "2023-09-01", 13),
        ("2008-02-29", "2022-02-28", 13),
        ("2008-02-29", "2022-03-01", 14),
        ("1987-05-17", "2023-09-01", 36),
    ],
)
def test_age_on(born, on, age):
    assert (
        identity.age_on(datetime.date.fromisoformat(born), datetime.date.fromisoformat(on)) == age
    )


# --- Properties ------------------------------------------------------------------------------

province = st.sampled_from(sorted(PROVINCE_CODES))
century_gender = st.integers(min_value=0, max_value=3)
year2 = st.integers(min_value=0, max_value=99)
serial = st.integers(min_value=0, max_value=999_999)
separators = st.sampled_from(["", " ", ".", "-"])


@given(st.text(max_size=80))
def test_no_input_makes_a_validator_raise_anything_else(text):
    for call in (
        lambda: parse_cccd(text),
        lambda: parse_cccd(text, date_of_birth=datetime.date(2000, 1, 1), gender="female"),
        lambda: normalise_phone(text),
        lambda: identity.normalise_foreign_document(text),
        lambda: identity.normalise_country(text),
    ):
        try:
            call()
        except ValidationError as exc:
            assert exc.messages  # always a message to show
    identity.login_key(text)  # never raises at all


@given(province, century_gender, year2, serial, separators)
def test_valid_cccd_round_trips(code, digit, yy, rest, sep):
    number = f"{code}{digit}{yy:02d}{rest:06d}"
    year = (1900 if digit < 2 else 2000) + yy
    gender = "male" if digit % 2 == 0 else "female"
    spaced = sep.join([number[:3], number[3:6], number[6:9], number[9:]])
    info = parse_cccd(spaced, date_of_birth=datetime.date(year, 6, 15), gender=gender)
    assert info.number == number
    assert (info.birth_year, info.gender, info.province_code) == (year, gender, code)
    assert parse_cccd(info.number).number == number


@given(
    st.sampled_from("35789"),
    st.integers(min_value=0, max_value=99_999_999),
    st.sampled_from(["0", "+84", "84", "+84 "]),
    separators,
)
def test_valid_phone_round_trips(second, rest, prefix, sep):
    national = f"0{second}{rest:08d}"
    typed = prefix + sep.join([national[1:4], national[4:7], national[7:]])
    e164 = normalise_phone(typed)
    assert e164 == "+84" + national[1:]
    assert identity.phone_national(e164) == national
    assert normalise_phone(e164) == e164


@given(st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=5, max_size=20))
def test_valid_foreign_document_round_trips(number):
    assert identity.normalise_foreign_document(number.lower()) == number
    assert identity.normalise_foreign_document(number) == number
