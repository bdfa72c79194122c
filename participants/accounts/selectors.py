"""Reads for accounts: what the platform holds about a person (their data download) and the
support contact of a contest.

The download is built of sections. Participants' own come first; a higher app adds its own
with `personal_data_section_register` at start-up (scoring registers the attempts), so the
import arrows still point one way."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Contest, Organiser
from participants import identity
from participants.models import (
    AccountDeletion,
    ConsentRecord,
    GuardianConsent,
    IdentityChange,
    Participant,
    Registration,
)


@dataclass
class Section:
    """One table of the download: a title, column names and rows of plain values."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)


SectionBuilder = Callable[[Participant], Section]
_REGISTERED: list[SectionBuilder] = []


def personal_data_section_register(builder: SectionBuilder) -> None:
    """A higher app adds a section (called once from its AppConfig.ready)."""
    if builder not in _REGISTERED:
        _REGISTERED.append(builder)


def _plain(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("có") if value else _("không")
    return "" if value is None else str(value)


def _account(p: Participant) -> Section:
    user = p.user
    rows = [
        [_("Họ và tên"), p.full_name],
        [_("Ngày sinh"), p.date_of_birth],
        [_("Giới tính"), p.get_gender_display()],
        [_("Loại giấy tờ"), p.get_document_type_display()],
        [_("Số giấy tờ"), p.document_number],
        [_("Quốc gia cấp"), p.issuing_country],
        [_("Số điện thoại (tên đăng nhập)"), identity.phone_national(p.phone)],
        [_("Thư điện tử"), p.email],
        [_("Nơi cư trú"), p.residence_unit.name if p.residence_unit else ""],
        [_("Nơi công tác/học tập"), p.work_unit.name if p.work_unit else ""],
        [_("Tạo tài khoản lúc"), p.created_at],
        [_("Đăng nhập gần nhất"), user.last_login],
    ]
    return Section("account", _("Tài khoản và thông tin định danh"), [_("Mục"), _("Giá trị")], rows)


def _registrations(p: Participant) -> Section:
    rows = [
        [
            r.contest.title,
            r.unit.name,
            r.created_at,
            r.age_on_reference,
            r.consent_participation,
            r.consent_publish,
            r.guardian_name,
            r.document_number,
        ]
        for r in Registration.objects.filter(participant=p)
        .select_related("contest", "unit")
        .order_by("created_at")
    ]
    columns = [
        _("Cuộc thi"),
        _("Đơn vị dự thi"),
        _("Đăng ký lúc"),
        _("Tuổi tại ngày tính tuổi"),
        _("Đồng ý tham gia"),
        _("Đồng ý công bố tên và kết quả"),
        _("Người giám hộ"),
        _("Số giấy tờ lưu theo cuộc thi"),
    ]
    return Section("registrations", _("Các cuộc thi đã đăng ký"), columns, rows)


def _consents(p: Participant) -> Section:
    rows = [
        [c.get_kind_display(), c.notice.version, c.given, c.given_by, c.at]
        for c in ConsentRecord.objects.filter(participant=p).select_related("notice").order_by("at")
    ]
    rows += [
        [
            _("Đồng ý của người giám hộ"),
            g.notice.version,
            True,
            f"{g.guardian_name} ({g.guardian_relationship})",
            g.at,
        ]
        for g in GuardianConsent.objects.filter(participant=p).select_related("notice")
    ]
    columns = [_("Nội dung"), _("Phiên bản thông báo"), _("Đồng ý"), _("Người đồng ý"), _("Lúc")]
    return Section("consents", _("Các lần đồng ý xử lý dữ liệu"), columns, rows)


def _changes(p: Participant) -> Section:
    rows = [
        [c.at, c.before, c.after, c.reason]
        for c in IdentityChange.objects.filter(participant=p).order_by("at")
    ]
    columns = [_("Lúc"), _("Trước"), _("Sau"), _("Lý do")]
    return Section("identity_changes", _("Các lần sửa thông tin định danh"), columns, rows)


def personal_data_of(*, participant: Participant) -> list[Section]:
    """Everything the platform holds about `participant`, section by section, values as
    text (as the page and the file show them)."""
    participant = Participant.objects.select_related("user", "residence_unit", "work_unit").get(
        pk=participant.pk
    )
    sections = [_account(participant), _registrations(participant), _consents(participant)]
    sections += [_changes(participant)]
    sections += [builder(participant) for builder in _REGISTERED]
    for section in sections:
        section.rows = [[_plain(v) for v in row] for row in section.rows]
    return sections


def deletion_pending(*, participant: Participant) -> AccountDeletion | None:
    return AccountDeletion.objects.filter(participant=participant, done_at__isnull=True).first()


# --- Support contact -------------------------------------------------------------------------


@dataclass(frozen=True)
class SupportContact:
    unit: str
    email: str
    phone: str = ""


SUPPORT_CONTACT_SECONDS = 300


def support_contact_for(*, contest: Contest) -> SupportContact | None:
    """Whom a participant asks for help about `contest`: the contest's own support phone and
    e-mail when the organisers set them (no query), else the e-mail of an organiser account
    of the contest's owner unit (the first made), cached five minutes (it is in the footer
    of every page of the contest, whose query counts are pinned); the cache failing means a
    query."""
    if contest.support_phone or contest.support_email:
        return SupportContact(unit="", email=contest.support_email, phone=contest.support_phone)
    key = f"participants:support:v1:{contest.pk}"
    with contextlib.suppress(Exception):
        cached = cache.get(key)
        if cached is not None:
            return SupportContact(*cached) if cached else None
    organiser = (
        Organiser.objects.filter(unit_id=contest.owner_unit_id, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "unit")
        .order_by("pk")
        .first()
    )
    found = None
    if organiser is not None:
        found = SupportContact(unit=organiser.unit.name, email=organiser.user.email)
    with contextlib.suppress(Exception):
        cache.set(key, (found.unit, found.email) if found else (), timeout=SUPPORT_CONTACT_SECONDS)
    return found
