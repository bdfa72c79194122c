"""Writes for accounts: one-time codes (recovery, phone change, organiser-assisted reset) and
account deletion.

A code is checked by `_code_check`, the one place that locks the row, asks the rule
(participants.rules.one_time_codes) and counts the try, so the five-tries limit holds under
concurrent checks. Nothing here says whether a number is registered: a request for an
unknown number makes the same row (no participant), and every check of it is WRONG."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import CharField, ProtectedError, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants import identity
from participants.accounts import codes
from participants.models import (
    AccountDeletion,
    GuardianConsent,
    IdentityChange,
    OneTimeCode,
    Participant,
    Registration,
)
from participants.rules.deletion import DeletionMode, DeletionPlan, Entry, deletion_plan
from participants.rules.one_time_codes import (
    CODE_LIFETIME,
    LINK_LIFETIME,
    CodeCheck,
    code_check_outcome,
)
from participants.selectors import find_user_for_login
from participants.sms import sms_send

Purpose = OneTimeCode.Purpose

# Brandname SMS are sent without accents (GSM-7: 160 characters a message, and some
# handsets show Vietnamese accents badly); the pages around them are in Vietnamese.
SMS_RESET = (
    "Ma khoi phuc mat khau Cuoc thi tim hieu phap luat: {code}. "
    "Het han sau 5 phut. Khong dua ma nay cho ai."
)
SMS_PHONE = (
    "Ma xac nhan so dien thoai moi (Cuoc thi tim hieu phap luat): {code}. Het han sau 5 phut."
)
SMS_ASSISTED = (
    "Ban To chuc da cap lien ket dat lai mat khau cho ban (dung 1 lan, trong 24 gio): {link}"
)

MSG_PASSWORD_WRONG = gettext_lazy("Mật khẩu hiện tại không đúng.")
MSG_PHONE_SAME = gettext_lazy("Đây đã là số điện thoại của tài khoản.")
MSG_PHONE_TAKEN = gettext_lazy("Số điện thoại này đã được dùng cho một tài khoản khác.")
MSG_REASON_REQUIRED = gettext_lazy("Vui lòng ghi lý do cấp lại mật khẩu.")


# Higher apps' copies of a person's name (scoring's certificates...) are erased by functions
# they register at start-up (participant id, now): the import arrows still point one way.
_ANONYMISERS: list[Callable[[int, datetime.datetime], None]] = []


def anonymiser_register(anonymiser: Callable[[int, datetime.datetime], None]) -> None:
    if anonymiser not in _ANONYMISERS:
        _ANONYMISERS.append(anonymiser)


@dataclass(frozen=True)
class Checked:
    """The outcome of one check, the tries it leaves and the code's row."""

    outcome: CodeCheck
    tries: int
    row: OneTimeCode | None


# --- One-time codes --------------------------------------------------------------------------


def _code_create(
    *,
    purpose: str,
    participant: Participant | None,
    destination: str = "",
    secret: str,
    lifetime: datetime.timedelta,
    issued_by=None,
    reason: str = "",
) -> OneTimeCode:
    salt = codes.salt_new()
    return OneTimeCode.objects.create(
        purpose=purpose,
        participant=participant,
        destination=destination,
        code_hash=codes.code_hash(code=secret, salt=salt, purpose=purpose),
        salt=salt,
        expires_at=timezone.now() + lifetime,
        issued_by=issued_by,
        reason=reason[:300],
    )


def _code_check(
    *, code_id: int, purpose: str, typed: str, participant: Participant | None = None
) -> Checked:
    """Check `typed` against the code `code_id`: lock the row, ask the rule, count the try,
    and mark the code used on OK (in the same transaction: at most one OK per code).
    `participant`: the code must be theirs (a phone change), else any row of the purpose."""
    with transaction.atomic():
        rows = OneTimeCode.objects.select_for_update().filter(pk=code_id, purpose=purpose)
        if participant is not None:
            rows = rows.filter(participant=participant)
        row = rows.first()
        if row is None:
            return Checked(CodeCheck.EXPIRED, 0, None)
        matches = row.participant_id is not None and codes.code_matches(
            code=typed, salt=row.salt, purpose=purpose, stored=row.code_hash
        )
        now = timezone.now()
        outcome = code_check_outcome(
            now=now,
            expires_at=row.expires_at,
            tries_before=row.tries,
            used=row.used_at is not None,
            matches=matches,
        )
        if outcome in (CodeCheck.OK, CodeCheck.WRONG):
            row.tries += 1
            row.used_at = now if outcome == CodeCheck.OK else None
            OneTimeCode.objects.filter(pk=row.pk).update(tries=row.tries, used_at=row.used_at)
        return Checked(outcome, row.tries, row)


def _password_set(*, user, password: str) -> None:
    """A new password: every other session of the account ends (Django checks each
    session's password hash on every request), and django-axes forgets the failed logins."""
    user.set_password(password)
    user.save(update_fields=["password"])
    from axes.utils import reset as axes_reset

    axes_reset(username=user.username)


def _recoverable(login: str) -> Participant | None:
    """The participant a login value names, if their account may recover its password."""
    user = find_user_for_login(login)
    if user is None or not user.is_active:
        return None
    return Participant.objects.filter(user=user).first()


def recovery_request(*, login: str) -> OneTimeCode:
    """Start a password recovery for a phone or document number. A code goes by SMS to the
    account's phone (and by e-mail where the person gave one). For a number without an
    account the same row is made and nothing is sent: the caller answers the same page."""
    participant = _recoverable(login)
    code = codes.code_new()
    row = _code_create(
        purpose=Purpose.RESET,
        participant=participant,
        destination=participant.phone if participant else "",
        secret=code,
        lifetime=CODE_LIFETIME,
    )
    if participant is not None:
        sms_send(to=participant.phone, text=SMS_RESET.format(code=code), purpose=Purpose.RESET)
        if participant.email:
            send_mail(
                _("Mã khôi phục mật khẩu"),
                _(
                    "Mã khôi phục mật khẩu của bạn là %(code)s. Mã hết hạn sau 5 phút. "
                    "Nếu bạn không yêu cầu, hãy bỏ qua thư này."
                )
                % {"code": code},
                None,
                [participant.email],
                fail_silently=True,
            )
    return row


def recovery_complete(*, code_id: int, code: str, password: str) -> Checked:
    """Check the recovery code; on OK set the new password (other sessions end)."""
    checked = _code_check(code_id=code_id, purpose=Purpose.RESET, typed=code)
    if checked.outcome == CodeCheck.OK:
        _password_set(user=checked.row.participant.user, password=password)
    return checked


# --- Phone change ----------------------------------------------------------------------------


def phone_change_request(*, participant: Participant, phone: str, password: str) -> OneTimeCode:
    """Send a code to a new phone number, after the current password is checked. Raises
    ValidationError keyed by field; nothing is written then."""
    if not participant.user.check_password(password):
        raise ValidationError({"password": [MSG_PASSWORD_WRONG]})
    try:
        new_phone = identity.normalise_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    if new_phone == participant.phone:
        raise ValidationError({"phone": [MSG_PHONE_SAME]})
    if Participant.objects.filter(phone=new_phone).exists():
        raise ValidationError({"phone": [MSG_PHONE_TAKEN]})
    code = codes.code_new()
    row = _code_create(
        purpose=Purpose.PHONE_CHANGE,
        participant=participant,
        destination=new_phone,
        secret=code,
        lifetime=CODE_LIFETIME,
    )
    sms_send(to=new_phone, text=SMS_PHONE.format(code=code), purpose=Purpose.PHONE_CHANGE)
    return row


def phone_change_confirm(*, participant: Participant, code_id: int, code: str) -> Checked:
    """Check the code sent to the new number; on OK the phone and the login name (the
    username is the phone) change together, recorded as an IdentityChange. A number taken
    meanwhile raises ValidationError and changes nothing."""
    with transaction.atomic():
        checked = _code_check(
            code_id=code_id, purpose=Purpose.PHONE_CHANGE, typed=code, participant=participant
        )
        if checked.outcome != CodeCheck.OK:
            return checked
        new_phone = checked.row.destination
        before = participant.phone
        try:
            with transaction.atomic():
                Participant.objects.filter(pk=participant.pk).update(phone=new_phone)
                get_user_model().objects.filter(pk=participant.user_id).update(username=new_phone)
        except IntegrityError as exc:
            raise ValidationError({"code": [MSG_PHONE_TAKEN]}) from exc
        IdentityChange.objects.create(
            participant=participant,
            changed_by=participant.user,
            before={"phone": before},
            after={"phone": new_phone},
            reason=_("Người dự thi tự đổi số điện thoại, xác nhận bằng mã gửi đến số mới."),
        )
    participant.refresh_from_db()
    participant.user.refresh_from_db()
    return checked


# --- Organiser-assisted reset ----------------------------------------------------------------


def assisted_reset_issue(
    *,
    participant: Participant,
    issued_by,
    reason: str,
    link_for: Callable[[int, str], str],
    send_sms: bool,
) -> tuple[OneTimeCode, str]:
    """An organiser issues a one-time reset link for a person (the caller has checked that
    the person is in the organiser's subtree). Who and why are on the row. Returns the row
    and the link, `link_for(row id, token)` (shown once; only the token's hash is kept); with
    `send_sms` it also goes to the person's phone."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": [MSG_REASON_REQUIRED]})
    token = codes.link_token_new()
    row = _code_create(
        purpose=Purpose.ASSISTED_RESET,
        participant=participant,
        destination=participant.phone if send_sms else "",
        secret=token,
        lifetime=LINK_LIFETIME,
        issued_by=issued_by,
        reason=reason,
    )
    link = link_for(row.pk, token)
    if send_sms:
        sms_send(
            to=participant.phone,
            text=SMS_ASSISTED.format(link=link),
            purpose=Purpose.ASSISTED_RESET,
        )
    return row, link


def assisted_reset_peek(*, code_id: int, token: str) -> bool:
    """Whether a reset link is still usable (not counted as a try: the page is shown before
    the person types a password)."""
    row = OneTimeCode.objects.filter(pk=code_id, purpose=Purpose.ASSISTED_RESET).first()
    if row is None or row.participant_id is None:
        return False
    if not codes.code_matches(
        code=token, salt=row.salt, purpose=Purpose.ASSISTED_RESET, stored=row.code_hash
    ):
        return False
    outcome = code_check_outcome(
        now=timezone.now(),
        expires_at=row.expires_at,
        tries_before=row.tries,
        used=row.used_at is not None,
        matches=True,
    )
    return outcome == CodeCheck.OK


def assisted_reset_complete(*, code_id: int, token: str, password: str) -> Checked:
    checked = _code_check(code_id=code_id, purpose=Purpose.ASSISTED_RESET, typed=token)
    if checked.outcome == CodeCheck.OK:
        _password_set(user=checked.row.participant.user, password=password)
    return checked


# --- Deletion --------------------------------------------------------------------------------


def account_deletion_plan(*, participant: Participant, now: datetime.datetime) -> DeletionPlan:
    entries = [
        Entry(
            title=r.contest.title,
            closes_at=r.contest.closes_at,
            retention_days=r.contest.retention_days,
        )
        for r in Registration.objects.filter(participant=participant).select_related("contest")
    ]
    return deletion_plan(entries, now=now)


def account_delete(*, participant: Participant) -> AccountDeletion:
    """The person deletes their account (DeletionPlan says how). Deleted at once, or closed
    at once (no login, every session ended) and anonymised now or at the plan's date by
    `accounts_anonymise_due`. The AccountDeletion row records what was done and why."""
    now = timezone.now()
    plan = account_deletion_plan(participant=participant, now=now)
    if plan.mode == DeletionMode.DELETE_NOW:
        try:
            with transaction.atomic():
                record = AccountDeletion.objects.create(
                    participant=None,
                    due_at=now,
                    done_at=now,
                    outcome=plan.mode,
                    reason=plan.reason[:500],
                )
                participant.user.delete()
            return record
        except ProtectedError:
            # Something the plan did not foresee still points at the person: keep the row
            # for the figures and anonymise instead of failing.
            plan = DeletionPlan(DeletionMode.ANONYMISE_NOW, now, plan.reason)
    with transaction.atomic():
        record, _created = AccountDeletion.objects.update_or_create(
            participant=participant,
            defaults={"due_at": plan.due_at, "outcome": plan.mode, "reason": plan.reason[:500]},
        )
        user = participant.user
        user.is_active = False
        user.password = make_password(None)  # unusable: every session's auth hash changes
        user.save(update_fields=["is_active", "password"])
        if plan.mode == DeletionMode.ANONYMISE_NOW:
            participant_anonymise(participant=participant, now=now)
            record.refresh_from_db()
    return record


def participant_anonymise(*, participant: Participant, now: datetime.datetime) -> None:
    """Erase what names the person and keep what the figures count: registrations (unit,
    age group, results) stay; names, numbers, phone, e-mail, guardians' details and the
    login go. Idempotent."""
    with transaction.atomic():
        pk = participant.pk
        Participant.objects.filter(pk=pk).update(
            full_name=_("(Tài khoản đã xoá)"),
            name_key="",
            document_number=f"#{pk}",
            identity_key=None,
            issuing_country="",
            phone=f"#{pk}",
            email="",
        )
        Registration.objects.filter(participant_id=pk).update(
            document_number=Concat(Value("#"), Cast("id", CharField())),
            guardian_name="",
            guardian_phone="",
        )
        Registration.objects.filter(participant_id=pk, identity_purged_at__isnull=True).update(
            identity_purged_at=now
        )
        GuardianConsent.objects.filter(participant_id=pk).update(
            guardian_name="", guardian_phone=""
        )
        OneTimeCode.objects.filter(participant_id=pk).delete()
        get_user_model().objects.filter(pk=participant.user_id).update(
            username=f"deleted-{participant.user_id}",
            email="",
            first_name="",
            last_name="",
            is_active=False,
            password=make_password(None),
        )
        for anonymiser in _ANONYMISERS:
            anonymiser(pk, now)
        AccountDeletion.objects.filter(participant_id=pk).update(done_at=now)


def accounts_anonymise_due(*, now: datetime.datetime | None = None) -> int:
    """Daily: anonymise the closed accounts whose retention date has come. Idempotent."""
    now = now or timezone.now()
    due = AccountDeletion.objects.filter(
        done_at__isnull=True, due_at__lte=now, participant__isnull=False
    ).select_related("participant")
    count = 0
    for record in due:
        participant_anonymise(participant=record.participant, now=now)
        count += 1
    return count


def one_time_codes_purge(*, now: datetime.datetime | None = None) -> int:
    """Daily: delete recovery and phone-change codes expired over a day ago (a morning rush
    leaves millions). Organiser-issued links stay: they are the record of who reset whose
    password and why."""
    now = now or timezone.now()
    deleted, _by_model = (
        OneTimeCode.objects.filter(expires_at__lt=now - datetime.timedelta(days=1))
        .exclude(purpose=Purpose.ASSISTED_RESET)
        .delete()
    )
    return deleted
