"""Identity rules (see /work/shared/IDENTITY.md): pure validators and normalisers.

"Verified" here means well formed and consistent with the other declared fields, never proof
that the number belongs to the person typing it. Every validator either returns a normalised
value or raises `ValidationError` with its own Vietnamese message and a stable `code`; no other
exception escapes, whatever the input (a property test holds us to that).

Nothing here reads the database (the login lookup, which needs the same normalisation as
registration, is `participants.selectors.find_user_for_login`).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --- CCCD ------------------------------------------------------------------------------------

# The 63 province codes (Decree 137/2015, Circular 07/2016), digits 1-3 of a CCCD.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa–Vũng Tàu",
    "079": "TP Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# The old 9-digit CMND lost validity at the end of this day.
CMND_LAST_VALID_DAY = datetime.date(2024, 12, 31)

MALE = "male"
FEMALE = "female"
_GENDER_LABELS = {MALE: _("Nam"), FEMALE: _("Nữ")}

# Separators people and spreadsheets put in numbers.
_SEPARATORS = re.compile(r"[\s.\-()/\u00a0\u2010-\u2015]+")
_MAX_INPUT = 64  # anything longer is not a number we know; answered, not processed


def strip_separators(raw: object) -> str:
    """The input as a string without spaces, dots, dashes, brackets or slashes."""
    if raw is None:
        return ""
    return _SEPARATORS.sub("", str(raw)[:_MAX_INPUT])


@dataclass(frozen=True)
class CccdInfo:
    number: str
    province_code: str
    province_name: str | None  # None: outside the 63 (birth registered abroad?)
    gender: str
    birth_year: int
    is_cmnd: bool = False

    @property
    def foreign_birth(self) -> bool:
        return not self.is_cmnd and self.province_name is None


def parse_cccd(
    raw: object,
    *,
    date_of_birth: datetime.date | None = None,
    gender: str | None = None,
    on_date: datetime.date | None = None,
    foreign_birth_confirmed: bool = False,
) -> CccdInfo:
    """Normalise and check a citizen's document number.

    A 12-digit CCCD is checked against the declared date of birth and gender (when given).
    A province code outside the 63 raises (code "cccd_foreign_birth") unless the person
    confirmed a birth registered abroad; the caller then flags the record for review.
    A 9-digit CMND is accepted only when `on_date` is on or before 31/12/2024 (the contest's
    date); with no date, today counts, so it is refused."""
    number = strip_separators(raw)
    if not number:
        raise ValidationError(_("Vui lòng nhập số căn cước (CCCD)."), code="cccd_required")
    if not number.isascii() or not number.isdigit():
        raise ValidationError(_("Số căn cước (CCCD) chỉ gồm chữ số."), code="cccd_digits")
    count = len(number)
    if count == 9:
        if on_date is not None and on_date <= CMND_LAST_VALID_DAY:
            return CccdInfo(
                number=number,
                province_code="",
                province_name=None,
                gender=gender or "",
                birth_year=date_of_birth.year if date_of_birth else 0,
                is_cmnd=True,
            )
        raise ValidationError(
            _(
                "Chứng minh nhân dân 9 số đã hết giá trị từ ngày 31/12/2024. "
                "Vui lòng nhập số căn cước (CCCD) 12 số."
            ),
            code="cccd_cmnd_expired",
        )
    if count in (10, 11):
        raise ValidationError(
            _(
                "Số căn cước (CCCD) phải có 12 chữ số, số bạn nhập có %(count)s chữ số. "
                "Có thể số 0 ở đầu đã bị mất (thường do bảng tính Excel): hãy nhập đủ "
                "12 số, kể cả các số 0 ở đầu."
            ),
            code="cccd_leading_zero",
            params={"count": count},
        )
    if count != 12:
        raise ValidationError(
            _("Số căn cước (CCCD) phải có đúng 12 chữ số (số bạn nhập có %(count)s chữ số)."),
            code="cccd_length",
            params={"count": count},
        )
    century_digit = int(number[3])
    if century_digit > 3:
        raise ValidationError(
            _(
                "Chữ số thứ 4 của số căn cước (CCCD) cho biết thế kỷ sinh và giới tính, "
                "chỉ có thể là 0, 1, 2 hoặc 3. Vui lòng kiểm tra lại."
            ),
            code="cccd_century",
        )
    birth_year = (1900 if century_digit < 2 else 2000) + int(number[4:6])
    cccd_gender = MALE if century_digit % 2 == 0 else FEMALE
    errors = []
    if date_of_birth is not None and date_of_birth.year != birth_year:
        errors.append(
            ValidationError(
                _(
                    "Năm sinh theo số căn cước (CCCD) là %(cccd_year)s, không khớp với "
                    "ngày sinh đã khai (năm %(year)s)."
                ),
                code="cccd_birth_year",
                params={"cccd_year": birth_year, "year": date_of_birth.year},
            )
        )
    if gender in _GENDER_LABELS and gender != cccd_gender:
        errors.append(
            ValidationError(
                _(
                    "Giới tính theo số căn cước (CCCD) là %(cccd_gender)s, không khớp với "
                    "giới tính đã khai (%(gender)s)."
                ),
                code="cccd_gender",
                params={
                    "cccd_gender": _GENDER_LABELS[cccd_gender],
                    "gender": _GENDER_LABELS[gender],
                },
            )
        )
    province_code = number[:3]
    province_name = PROVINCE_CODES.get(province_code)
    if province_name is None and not foreign_birth_confirmed:
        errors.append(
            ValidationError(
                _(
                    "Mã nơi đăng ký khai sinh %(code)s (3 chữ số đầu) không thuộc 63 tỉnh, "
                    "thành phố. Nếu khai sinh của bạn được đăng ký ở nước ngoài, hãy đánh dấu "
                    "ô xác nhận; hồ sơ sẽ được ban tổ chức rà soát."
                ),
                code="cccd_foreign_birth",
                params={"code": province_code},
            )
        )
    if errors:
        raise ValidationError(errors)
    return CccdInfo(
        number=number,
        province_code=province_code,
        province_name=province_name,
        gender=cccd_gender,
        birth_year=birth_year,
    )


# --- Foreign residents -----------------------------------------------------------------------

_FOREIGN_DOCUMENT = re.compile(r"[A-Z0-9]{5,20}")
_COUNTRY = re.compile(r"[A-Z]{2}")


def normalise_foreign_document(raw: object) -> str:
    """A passport or residence-card number: separators removed, upper case, 5-20 letters/digits."""
    number = strip_separators(raw).upper()
    if not number:
        raise ValidationError(_("Vui lòng nhập số giấy tờ."), code="document_required")
    if not number.isascii() or not _FOREIGN_DOCUMENT.fullmatch(number):
        raise ValidationError(
            _("Số hộ chiếu hoặc thẻ cư trú gồm từ 5 đến 20 chữ cái in hoa (A–Z) và chữ số."),
            code="foreign_document",
        )
    return number


def normalise_country(raw: object) -> str:
    """ISO 3166-1 alpha-2 code of the issuing country, upper case."""
    code = strip_separators(raw).upper()
    if not code.isascii() or not _COUNTRY.fullmatch(code):
        raise ValidationError(
            _("Quốc gia cấp: nhập mã 2 chữ cái theo ISO 3166 (ví dụ KR, JP, US, FR)."),
            code="country",
        )
    return code


# --- Mobile phone ----------------------------------------------------------------------------

# Old 11-digit prefixes and the prefix that replaced each (2018 renumbering).
OLD_PREFIXES: dict[str, str] = {
    **{f"016{d}": f"03{d}" for d in "23456789"},
    "0120": "070",
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    "0123": "083",
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    "0186": "056",
    "0188": "058",
    "0199": "059",
}
_MOBILE = re.compile(r"0[35789][0-9]{8}")


def _national_digits(raw: object) -> str:
    number = strip_separators(raw)
    if number.startswith("+84"):
        number = "0" + number[3:]
    elif number.startswith("0084"):
        number = "0" + number[4:]
    elif number.startswith("84") and len(number) in (11, 12):
        number = "0" + number[2:]
    return number


def normalise_phone(raw: object) -> str:
    """A Vietnamese mobile number in E.164 (+84xxxxxxxxx). Any common spelling is accepted
    (+84 / 84 / 0, spaces, dots, dashes). Carrier lists are not checked (they disagree)."""
    number = _national_digits(raw)
    if not number:
        raise ValidationError(_("Vui lòng nhập số điện thoại di động."), code="phone_required")
    if number.isascii() and _MOBILE.fullmatch(number):
        return "+84" + number[1:]
    if number.isascii() and number.isdigit() and len(number) == 11:
        new_prefix = OLD_PREFIXES.get(number[:4])
        if new_prefix is not None:
            raise ValidationError(
                _(
                    "Đầu số %(old)s đã được chuyển thành %(new)s từ năm 2018. "
                    "Vui lòng nhập số mới: %(number)s."
                ),
                code="phone_old_prefix",
                params={"old": number[:4], "new": new_prefix, "number": new_prefix + number[4:]},
            )
    raise ValidationError(
        _(
            "Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09 "
            "(ví dụ 0912 345 678)."
        ),
        code="phone_invalid",
    )


def phone_national(e164: str) -> str:
    """+84912345678 -> 0912345678 (how people read and type it)."""
    if e164.startswith("+84"):
        return "0" + e164[3:]
    return e164


# --- Age -------------------------------------------------------------------------------------


def age_on(date_of_birth: datetime.date, reference: datetime.date) -> int:
    """Whole years completed on `reference` (a person born 29/2 turns a year older on 1/3)."""
    years = reference.year - date_of_birth.year
    if (reference.month, reference.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


# Under this age (in whole years) a person's data are processed only with a parent's or
# guardian's consent as well as their own (Decree 13/2023 art. 20, Law 91/2025). The one
# constant for it: account creation, joining, public names and the exam all ask this rule.
GUARDIAN_AGE = 16


def needs_guardian(date_of_birth: datetime.date, reference: datetime.date) -> bool:
    """True when a person born on `date_of_birth` is under GUARDIAN_AGE on `reference`."""
    return age_on(date_of_birth, reference) < GUARDIAN_AGE


# --- One person, one account -----------------------------------------------------------------

VIETNAM = "VN"
# DocumentType's values (participants.models takes them from here: one spelling).
DOCUMENT_CCCD = "cccd"
DOCUMENT_PASSPORT = "passport"
_CCCD_SHAPE = re.compile(r"[0-9]{12}")


def citizen_document_check(*, document_type: str, number: str, country: str) -> None:
    """Refuse a non-CCCD document that is really a Vietnamese citizen's identity.

    A Vietnamese citizen has one identity number, the CCCD, and registers with it: a
    Vietnamese passport number is a different number for the same person, so accepting it
    would give them a second account (and a second ranking entry) that no CCCD check can
    see. We refuse rather than convert: a passport number cannot be turned into the CCCD, and
    a 12-digit number typed as a passport is refused with the same advice (choose CCCD) so
    that the CCCD's own checks (birth year, gender, province) run on it. A residence card
    issued by Việt Nam is a foreigner's document and stays allowed.
    `number` and `country` are already normalised."""
    if document_type == DOCUMENT_CCCD:
        return
    if document_type == DOCUMENT_PASSPORT and country == VIETNAM:
        raise ValidationError(
            _(
                "Công dân Việt Nam đăng ký bằng số căn cước (CCCD), không dùng hộ chiếu. "
                "Vui lòng chọn loại giấy tờ “Căn cước / CCCD” và nhập số căn cước 12 số."
            ),
            code="citizen_passport",
        )
    if _CCCD_SHAPE.fullmatch(number):
        raise ValidationError(
            _(
                "Số gồm 12 chữ số là số căn cước (CCCD) của công dân Việt Nam. Vui lòng chọn "
                "loại giấy tờ “Căn cước / CCCD”."
            ),
            code="citizen_cccd_shaped",
        )


def identity_key(*, document_type: str, number: str, country: str) -> str:
    """The key under which a person may hold only one account (a unique column).

    Every document issued by Việt Nam, and every number shaped like a CCCD, shares the CCCD
    namespace "VN:<number>": choosing another document type never makes the same number a
    second person. Other documents are keyed by country, type and number."""
    if document_type == DOCUMENT_CCCD or country == VIETNAM or _CCCD_SHAPE.fullmatch(number):
        return f"{VIETNAM}:{number}"
    return f"{country}:{document_type}:{number}"


def name_key(full_name: object) -> str:
    """A full name reduced to what survives retyping: no accents (đ counts as d), one space
    between words, case folded. "Nguyễn  Văn ĐỨC" and "nguyen van duc" give the same key."""
    text = str(full_name or "")[: _MAX_INPUT * 4].casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


# --- Login -----------------------------------------------------------------------------------


def login_key(raw: object) -> str:
    """The canonical form of what someone typed in the login box: E.164 for a phone, the
    digits of a CCCD, otherwise the text as typed (trimmed). Used as the brute-force
    protection key, so that "0912 345 678" and "+84912345678" are the same account."""
    try:
        return normalise_phone(raw)
    except ValidationError:
        pass
    digits = strip_separators(raw)
    if digits.isascii() and digits.isdigit() and len(digits) in (9, 12):
        return digits
    return str(raw or "").strip()[:_MAX_INPUT]
