"""Which identity fields a person may still change themselves: one pure function.

Once they have joined a contest, the fields that decide eligibility and that the registration
copies (document, date of birth, gender) are locked: the contest's age group, its duplicate
check and the organisers' lists rest on them. The name may still be corrected (accents,
spelling) until the first attempt, after which everything is locked: results and
certificates carry it. Later changes go through an organiser of the person's unit, with a
reason (participants.services.identity_change, recorded in IdentityChange)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LOCKED_AT_JOIN = frozenset(
    {"document_type", "document_number", "issuing_country", "date_of_birth", "gender"}
)
LOCKED_AT_ATTEMPT = LOCKED_AT_JOIN | {"full_name", "foreign_birth_confirmed"}

MSG_LOCKED_AT_JOIN = _(
    "Số giấy tờ, ngày sinh và giới tính đã khóa vì bạn đã đăng ký dự thi. Muốn sửa, hãy liên "
    "hệ Ban Tổ chức (đơn vị nơi bạn dự thi)."
)


def identity_locked_fields(*, joined: bool, attempted: bool) -> frozenset[str]:
    """The identity fields the person can no longer change themselves."""
    if attempted:
        return LOCKED_AT_ATTEMPT
    if joined:
        return LOCKED_AT_JOIN
    return frozenset()
