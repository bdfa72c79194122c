"""Who may register in (join) a contest: one pure function, `registration_refusal`.

The service builds the two facts below from the database (`participants.selectors.join_facts`)
and raises `Refused` on a refusal; the join page shows the same refusal before the form is
sent. The start of an attempt asks `scoring.rules.start`, which asks this rule again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contests.refusals import Refusal
from participants import identity


@dataclass(frozen=True)
class Person:
    """The facts about one person that decide whether they may join one contest."""

    date_of_birth: datetime.date
    document_type: str
    document_number: str
    issuing_country: str = ""
    # On the contest's excluded list (organisers, judges…).
    excluded: bool = False
    # Queued as a same-document duplicate of another account, not yet decided.
    duplicate_pending: bool = False
    # A parent's or guardian's consent is on file, or given with this request.
    guardian_consent: bool = False


@dataclass(frozen=True)
class ContestTerms:
    """What a contest says about who may enter it."""

    published: bool
    closes_at: datetime.datetime
    # The contest's opening day in Việt Nam (the old CMND is not valid after 31/12/2024).
    opens_on: datetime.date
    # The day ages are counted on.
    reference_date: datetime.date
    min_age: int
    allow_citizens: bool = True
    allow_foreigners: bool = True


def registration_refusal(
    person: Person, contest: ContestTerms, *, now: datetime.datetime
) -> Refusal | None:
    """None when `person` may register in `contest` at `now`; else the first reason why not.

    The order is the order a person fixes things in: the contest itself, then who they are,
    then their age, then the guardian's consent (the one thing the join page can supply)."""
    if not contest.published:
        return Refusal("not_published", _("Cuộc thi này chưa mở đăng ký."))
    if contest.closes_at <= now:
        return Refusal("closed", _("Cuộc thi đã kết thúc, không nhận đăng ký."))
    is_citizen = person.document_type == identity.DOCUMENT_CCCD
    if is_citizen and not contest.allow_citizens:
        return Refusal("citizens_not_allowed", _("Cuộc thi này không dành cho công dân Việt Nam."))
    if not is_citizen and not contest.allow_foreigners:
        return Refusal(
            "foreigners_not_allowed",
            _("Cuộc thi này chỉ dành cho công dân Việt Nam (có số căn cước)."),
        )
    if (
        is_citizen
        and len(person.document_number) == 9
        and contest.opens_on > identity.CMND_LAST_VALID_DAY
    ):
        return Refusal(
            "cmnd_expired",
            _(
                "Chứng minh nhân dân 9 số đã hết giá trị từ ngày 31/12/2024. Vui lòng liên hệ "
                "Ban Tổ chức để cập nhật số căn cước (CCCD) 12 số."
            ),
        )
    try:
        identity.citizen_document_check(
            document_type=person.document_type,
            number=person.document_number,
            country=person.issuing_country,
        )
    except ValidationError as exc:
        # An account made before the rule (a citizen's passport): it enters with the CCCD.
        return Refusal(exc.code, exc.message)
    if person.duplicate_pending:
        return Refusal(
            "duplicate_pending",
            _(
                "Số giấy tờ của tài khoản này trùng với một tài khoản khác và đang chờ Ban Tổ "
                "chức rà soát; tạm thời chưa đăng ký dự thi được."
            ),
        )
    if person.excluded:
        return Refusal(
            "excluded",
            _(
                "Số giấy tờ của bạn thuộc danh sách không được dự thi cuộc thi này "
                "(thành viên Ban Tổ chức, Ban Giám khảo…)."
            ),
        )
    age = identity.age_on(person.date_of_birth, contest.reference_date)
    if age < contest.min_age:
        return Refusal(
            "too_young",
            _(
                "Cuộc thi dành cho người từ đủ %(min)s tuổi trở lên tính đến ngày %(date)s; "
                "theo ngày sinh đã khai, khi đó bạn %(age)s tuổi."
            )
            % {
                "min": contest.min_age,
                "date": contest.reference_date.strftime("%d/%m/%Y"),
                "age": age,
            },
        )
    if age < identity.GUARDIAN_AGE and not person.guardian_consent:
        return Refusal(
            "no_guardian",
            _("Người dưới %(age)s tuổi cần có sự đồng ý của cha, mẹ hoặc người giám hộ.")
            % {"age": identity.GUARDIAN_AGE},
        )
    return None
