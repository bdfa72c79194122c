"""Writes for participants: accounts, contest registrations, consent, identity changes and the
personal-data access log.

Every service checks the identity rules itself (forms only parse), raises `ValidationError`
keyed by form field with Vietnamese messages, and writes nothing when it refuses. Uniqueness
(a phone per account, a document per account, one registration per contest and document) is
enforced by database constraints; a lost race surfaces as the same clean message."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contests.dates import birth_date_problem
from contests.masking import mask_document
from contests.models import Contest, Unit
from contests.refusals import Refused
from participants import identity
from participants.models import (
    ConsentNotice,
    ConsentRecord,
    DocumentType,
    DuplicateSuspect,
    Gender,
    GuardianConsent,
    IdentityChange,
    Participant,
    PersonalDataAccess,
    Registration,
)
from participants.rules.age_groups import age_group_of
from participants.rules.category import category_decide
from participants.rules.eligibility import registration_refusal
from participants.rules.identity_lock import LOCKED_AT_ATTEMPT, MSG_LOCKED_AT_JOIN
from participants.selectors import (
    contest_age_groups,
    contest_category_options,
    contest_reference_date,
    contest_terms,
    guardian_consent_current,
    participant_locked_fields,
    person_facts,
)

GUARDIAN_AGE = identity.GUARDIAN_AGE

DEFAULT_NOTICE_VERSION = "2025.1"
DEFAULT_NOTICE_TEXT = _(
    "Ban Tổ chức xử lý họ tên, ngày sinh, giới tính, số giấy tờ, số điện thoại, thư điện tử, "
    "đơn vị và bài thi của bạn chỉ để tổ chức cuộc thi, xác định người dự thi, chấm và trao "
    "giải (Nghị định 13/2023/NĐ-CP). Không thu thập dân tộc, tôn giáo. Số giấy tờ được che "
    "một phần với người không có nhiệm vụ và được xóa sau thời hạn lưu trữ của cuộc thi. "
    "Tên và kết quả chỉ được công bố khi bạn đồng ý (người dưới 16 tuổi: khi cả cha, mẹ "
    "hoặc người giám hộ đồng ý). Bạn có thể rút lại sự đồng ý bằng cách liên hệ Ban Tổ chức."
)

MSG_PHONE_TAKEN = _("Số điện thoại này đã được dùng cho một tài khoản khác.")
MSG_DOCUMENT_TAKEN = _("Số giấy tờ này đã được dùng cho một tài khoản khác.")
MSG_ALREADY_REGISTERED = _("Bạn đã đăng ký dự thi cuộc thi này rồi.")
MSG_DOCUMENT_REGISTERED = _("Số giấy tờ %(number)s đã được dùng để đăng ký cuộc thi này.")
MSG_LOCKED = _(
    "Thông tin định danh đã khóa vì bạn đã làm bài thi. Muốn sửa, hãy liên hệ Ban Tổ chức."
)

IDENTITY_FIELDS = (
    "full_name",
    "date_of_birth",
    "gender",
    "document_type",
    "document_number",
    "issuing_country",
)


# --- Identity checks shared by registration, profile edits and organiser changes ---------------


def identity_clean(
    *,
    full_name: str,
    date_of_birth: datetime.date | None,
    gender: str,
    document_type: str,
    document_number: str,
    issuing_country: str = "",
    foreign_birth_confirmed: bool = False,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """Check and normalise the identity fields together; raises ValidationError keyed by
    field. Returns the cleaned values, their `identity_key` and `name_key`, plus
    `needs_review` (birth registered abroad)."""
    today = today or timezone.localdate()
    errors: dict[str, list] = {}
    full_name = " ".join(str(full_name or "").split())
    if not full_name:
        errors.setdefault("full_name", []).append(_("Vui lòng nhập họ và tên."))
    elif len(full_name) > 150:
        errors.setdefault("full_name", []).append(_("Họ và tên dài quá 150 ký tự."))
    if date_of_birth is None:
        errors.setdefault("date_of_birth", []).append(_("Vui lòng nhập ngày sinh."))
    elif (problem := birth_date_problem(date_of_birth, today=today)) is not None:
        errors.setdefault("date_of_birth", []).append(problem)
        date_of_birth = None
    if gender not in Gender.values:
        errors.setdefault("gender", []).append(_("Vui lòng chọn giới tính."))
        gender = None
    needs_review = False
    number = ""
    country = ""
    if document_type == DocumentType.CCCD:
        try:
            info = identity.parse_cccd(
                document_number,
                date_of_birth=date_of_birth,
                gender=gender,
                on_date=today,
                foreign_birth_confirmed=foreign_birth_confirmed,
            )
        except ValidationError as exc:
            errors.setdefault("document_number", []).extend(exc.error_list)
        else:
            number = info.number
            needs_review = info.foreign_birth
    elif document_type in (DocumentType.PASSPORT, DocumentType.RESIDENCE_CARD):
        try:
            number = identity.normalise_foreign_document(document_number)
        except ValidationError as exc:
            errors.setdefault("document_number", []).extend(exc.error_list)
        try:
            country = identity.normalise_country(issuing_country)
        except ValidationError as exc:
            errors.setdefault("issuing_country", []).extend(exc.error_list)
        try:
            identity.citizen_document_check(
                document_type=document_type, number=number, country=country
            )
        except ValidationError as exc:
            errors.setdefault("document_type", []).extend(exc.error_list)
    else:
        errors.setdefault("document_type", []).append(_("Vui lòng chọn loại giấy tờ."))
    if errors:
        raise ValidationError(errors)
    return {
        "full_name": full_name,
        "date_of_birth": date_of_birth,
        "gender": gender,
        "document_type": document_type,
        "document_number": number,
        "issuing_country": country,
        "identity_key": identity.identity_key(
            document_type=document_type, number=number, country=country
        ),
        "name_key": identity.name_key(full_name),
        "needs_review": needs_review,
    }


def guardian_clean(
    *, guardian_name: str, guardian_phone: str, guardian_relationship: str, guardian_consent: bool
) -> dict[str, str]:
    """Check the consent of a parent or guardian of a person under GUARDIAN_AGE: name,
    relationship, a mobile phone (normalised to E.164) and their tick. Raises ValidationError
    keyed by field, one message per missing piece."""
    errors: dict[str, list] = {}
    name = " ".join(str(guardian_name or "").split())[:150]
    relationship = " ".join(str(guardian_relationship or "").split())[:50]
    phone = ""
    age = {"age": GUARDIAN_AGE}
    if not name:
        errors["guardian_name"] = [
            _("Người dưới %(age)s tuổi cần ghi họ tên cha, mẹ hoặc người giám hộ.") % age
        ]
    try:
        phone = identity.normalise_phone(guardian_phone)
    except ValidationError as exc:
        errors["guardian_phone"] = list(exc.error_list)
    if not relationship:
        errors["guardian_relationship"] = [
            _("Vui lòng ghi quan hệ với người dự thi (cha, mẹ, người giám hộ…).")
        ]
    if not guardian_consent:
        errors["guardian_consent"] = [
            _("Người dưới %(age)s tuổi cần có sự đồng ý của cha, mẹ hoặc người giám hộ.") % age
        ]
    if errors:
        raise ValidationError(errors)
    return {"guardian_name": name, "guardian_phone": phone, "guardian_relationship": relationship}


def _guardian_consent_record(
    *, participant: Participant, guardian: dict[str, str], given_at: str, notice: ConsentNotice
) -> GuardianConsent:
    """Store a guardian's consent and its line in the consent log (who, when, notice)."""
    consent = GuardianConsent.objects.create(
        participant=participant, notice=notice, given_at=given_at, **guardian
    )
    ConsentRecord.objects.create(
        participant=participant,
        kind=ConsentRecord.Kind.GUARDIAN,
        notice=notice,
        given=True,
        given_by=f"{guardian['guardian_name']} ({guardian['guardian_relationship']})"[:150],
    )
    return consent


def _unit_error(unit: Unit | None, field: str) -> dict[str, list]:
    if unit is not None and not Unit.objects.filter(pk=unit.pk).exists():
        return {field: [_("Đơn vị không tồn tại.")]}
    return {}


def _integrity_field(exc: IntegrityError) -> str:
    text = str(exc)
    if "participant_document_unique" in text or "participant_identity_unique" in text:
        return "document_number"
    return "phone"


# --- Consent ---------------------------------------------------------------------------------


def consent_notice_current() -> ConsentNotice:
    """The latest notice version; creates the default one the first time (race-safe)."""
    notice = ConsentNotice.objects.order_by("-published_at", "-pk").first()
    if notice is not None:
        return notice
    notice, _created = ConsentNotice.objects.get_or_create(
        version=DEFAULT_NOTICE_VERSION, defaults={"text": str(DEFAULT_NOTICE_TEXT)}
    )
    return notice


# --- Account ---------------------------------------------------------------------------------


def participant_register(
    *,
    full_name: str,
    date_of_birth: datetime.date | None,
    gender: str,
    document_type: str,
    document_number: str,
    phone: str,
    password: str,
    issuing_country: str = "",
    email: str = "",
    residence_unit: Unit | None = None,
    work_unit: Unit | None = None,
    foreign_birth_confirmed: bool = False,
    consent_data: bool = False,
    guardian_name: str = "",
    guardian_phone: str = "",
    guardian_relationship: str = "",
    guardian_consent: bool = False,
) -> Participant:
    """Create the account (username = E.164 phone) and the identity profile, and record the
    consent to process personal data against the current notice version.

    Guarantees: every identity rule holds; one account per phone and per person: a
    Vietnamese citizen only with their CCCD, and one account per identity key (database
    constraints; a lost race gives the same message); under GUARDIAN_AGE today, only together
    with a parent's or guardian's consent; an account with the same name (accents, spacing
    and case set aside), date of birth and gender as another is created but flagged and
    queued as a DuplicateSuspect; nothing is written on refusal."""
    errors: dict[str, list] = {}
    today = timezone.localdate()
    try:
        cleaned = identity_clean(
            full_name=full_name,
            date_of_birth=date_of_birth,
            gender=gender,
            document_type=document_type,
            document_number=document_number,
            issuing_country=issuing_country,
            foreign_birth_confirmed=foreign_birth_confirmed,
            today=today,
        )
    except ValidationError as exc:
        errors.update({k: list(v) for k, v in exc.error_dict.items()})
        cleaned = None
    guardian = None
    dob_ok = date_of_birth is not None and "date_of_birth" not in errors
    if dob_ok and identity.needs_guardian(date_of_birth, today):
        try:
            guardian = guardian_clean(
                guardian_name=guardian_name,
                guardian_phone=guardian_phone,
                guardian_relationship=guardian_relationship,
                guardian_consent=guardian_consent,
            )
        except ValidationError as exc:
            errors.update({k: list(v) for k, v in exc.error_dict.items()})
    try:
        e164 = identity.normalise_phone(phone)
    except ValidationError as exc:
        errors.setdefault("phone", []).extend(exc.error_list)
        e164 = ""
    if not consent_data:
        errors.setdefault("consent_data", []).append(
            _("Bạn cần đồng ý cho Ban Tổ chức xử lý dữ liệu cá nhân để tạo tài khoản.")
        )
    for unit, field in ((residence_unit, "residence_unit"), (work_unit, "work_unit")):
        errors.update(_unit_error(unit, field))
    user_model = get_user_model()
    if e164 and user_model.objects.filter(username=e164).exists():
        errors.setdefault("phone", []).append(MSG_PHONE_TAKEN)
    if (
        cleaned is not None
        and Participant.objects.filter(
            Q(document_type=cleaned["document_type"], document_number=cleaned["document_number"])
            | Q(identity_key=cleaned["identity_key"])
        ).exists()
    ):
        errors.setdefault("document_number", []).append(MSG_DOCUMENT_TAKEN)
    if not errors:
        probe = user_model(username=e164, email=email or "", first_name=full_name[:150])
        try:
            validate_password(password, user=probe)
        except ValidationError as exc:
            errors.setdefault("password1", []).extend(exc.error_list)
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            user = user_model(username=e164, email=email or "")
            user.set_password(password)
            user.save()
            participant = Participant.objects.create(
                user=user,
                full_name=cleaned["full_name"],
                date_of_birth=cleaned["date_of_birth"],
                gender=cleaned["gender"],
                document_type=cleaned["document_type"],
                document_number=cleaned["document_number"],
                issuing_country=cleaned["issuing_country"],
                identity_key=cleaned["identity_key"],
                name_key=cleaned["name_key"],
                phone=e164,
                email=email or "",
                residence_unit=residence_unit,
                work_unit=work_unit,
                foreign_birth_confirmed=cleaned["needs_review"],
                needs_review=cleaned["needs_review"],
            )
            notice = consent_notice_current()
            ConsentRecord.objects.create(
                participant=participant,
                kind=ConsentRecord.Kind.PARTICIPATION,
                notice=notice,
                given=True,
                given_by=participant.full_name,
            )
            if guardian is not None:
                _guardian_consent_record(
                    participant=participant,
                    guardian=guardian,
                    given_at=GuardianConsent.GivenAt.ACCOUNT,
                    notice=notice,
                )
            if _duplicate_suspects_record(participant=participant):
                participant.needs_review = True
                Participant.objects.filter(pk=participant.pk).update(needs_review=True)
    except IntegrityError as exc:
        field = _integrity_field(exc)
        message = MSG_DOCUMENT_TAKEN if field == "document_number" else MSG_PHONE_TAKEN
        raise ValidationError({field: [message]}) from exc
    return participant


def participant_update(
    *,
    participant: Participant,
    email: str,
    residence_unit: Unit | None,
    work_unit: Unit | None,
    identity_changes: dict[str, Any] | None = None,
    foreign_birth_confirmed: bool = False,
) -> Participant:
    """A participant edits their own profile. Contact details and units always; identity
    fields only those participants.rules.identity_lock leaves open (document, birth date and
    gender until they join a contest, the name until their first attempt); afterwards only
    an organiser, through `identity_change`."""
    errors: dict[str, list] = {}
    for unit, field in ((residence_unit, "residence_unit"), (work_unit, "work_unit")):
        errors.update(_unit_error(unit, field))
    changed_identity = {
        k: v
        for k, v in (identity_changes or {}).items()
        if k in IDENTITY_FIELDS and v != getattr(participant, k)
    }
    locked = participant_locked_fields(participant=participant) if changed_identity else set()
    if set(changed_identity) & locked:
        message = MSG_LOCKED if locked == LOCKED_AT_ATTEMPT else MSG_LOCKED_AT_JOIN
        errors.setdefault("__all__", []).append(message)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        fields = {"email": email or "", "residence_unit": residence_unit, "work_unit": work_unit}
        Participant.objects.filter(pk=participant.pk).update(**fields)
        if changed_identity:
            _identity_apply(
                participant=participant,
                changes=changed_identity,
                foreign_birth_confirmed=foreign_birth_confirmed,
            )
    participant.refresh_from_db()
    return participant


def _identity_apply(
    *, participant: Participant, changes: dict[str, Any], foreign_birth_confirmed: bool
) -> dict[str, Any]:
    """Validate the identity after `changes` and write it to the participant and the copies
    on their registrations (ages recomputed). Must run inside a transaction."""
    merged = {f: getattr(participant, f) for f in IDENTITY_FIELDS}
    merged.update(changes)
    cleaned = identity_clean(**merged, foreign_birth_confirmed=foreign_birth_confirmed)
    needs_review = cleaned.pop("needs_review")
    try:
        with transaction.atomic():
            Participant.objects.filter(pk=participant.pk).update(
                **cleaned,
                foreign_birth_confirmed=needs_review,
                needs_review=needs_review or participant.needs_review,
            )
            for registration in participant.registrations.select_related("contest"):
                age = identity.age_on(
                    cleaned["date_of_birth"],
                    contest_reference_date(contest=registration.contest),
                )
                Registration.objects.filter(pk=registration.pk).update(
                    document_type=cleaned["document_type"],
                    document_number=cleaned["document_number"],
                    age_on_reference=age,
                    age_group=_age_group(age, registration.contest),
                    needs_review=registration.needs_review
                    or needs_review
                    or age < registration.contest.min_age,
                )
    except IntegrityError as exc:
        raise ValidationError({"document_number": [MSG_DOCUMENT_TAKEN]}) from exc
    return cleaned


def identity_change(
    *,
    participant: Participant,
    changed_by,
    reason: str,
    changes: dict[str, Any],
    foreign_birth_confirmed: bool = False,
) -> IdentityChange:
    """An organiser corrects identity fields (allowed even after attempts). The same rules
    apply; before/after, who and why are recorded in IdentityChange in the same transaction."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Vui lòng ghi lý do thay đổi.")]})
    changes = {k: v for k, v in changes.items() if k in IDENTITY_FIELDS}
    before = {f: _jsonable(getattr(participant, f)) for f in IDENTITY_FIELDS}
    with transaction.atomic():
        Participant.objects.select_for_update().filter(pk=participant.pk).first()
        cleaned = _identity_apply(
            participant=participant,
            changes=changes,
            foreign_birth_confirmed=foreign_birth_confirmed,
        )
        after = {f: _jsonable(cleaned[f]) for f in IDENTITY_FIELDS}
        record = IdentityChange.objects.create(
            participant=participant,
            changed_by=changed_by,
            before=before,
            after=after,
            reason=reason[:300],
        )
    participant.refresh_from_db()
    return record


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


# --- Joining a contest -----------------------------------------------------------------------


def _age_group(age: int, contest: Contest) -> str:
    return age_group_of(age, contest_age_groups(contest=contest)).key


def registration_create(
    *,
    participant: Participant,
    contest: Contest,
    unit: Unit | None,
    consent_participation: bool,
    consent_publish: bool,
    guardian_name: str = "",
    guardian_phone: str = "",
    guardian_relationship: str = "",
    guardian_consent: bool = False,
    invited_via: Unit | None = None,
    category_id: int | None = None,
    client_key: str = "",
) -> Registration:
    """Enter a participant in a contest for a unit.

    Who may join is `participants.rules.eligibility.registration_refusal`: a refusal raises
    `Refused` (code and message). The form's own checks raise ValidationError keyed by field:
    the unit lies in the contest's participation subtree (block = its ancestor just below the
    root); consent to take part given; under GUARDIAN_AGE without a guardian's consent on
    file, the guardian's name, phone, relationship and consent. One registration per
    (contest, document) and per (contest, participant), by constraint (a lost race is a
    `Refused` too). Consents are recorded against the current notice. Nothing is written on
    refusal. `invited_via` (the unit of the invite link that brought the person, resolved from
    a signed token by participants.selectors.invite_resolve) is recorded only when it lies in
    the contest's participation subtree, whatever unit the person chose. The category is the
    one the unit's block decides, else `category_id` if it is one the person may choose
    (participants.rules.category); a missing or wrong one is an error on "category"."""
    reference = contest_reference_date(contest=contest)
    age = identity.age_on(participant.date_of_birth, reference)
    minor = identity.needs_guardian(participant.date_of_birth, reference)

    # Under GUARDIAN_AGE on the reference date: the guardian's consent given with the account
    # is copied; an account created before that was required gives it here, once.
    errors: dict[str, list] = {}
    guardian = {"guardian_name": "", "guardian_phone": "", "guardian_relationship": ""}
    guardian_on_file = guardian_consent_current(participant=participant) if minor else None
    guardian_new = None
    if guardian_on_file is not None:
        guardian = {f: getattr(guardian_on_file, f) for f in guardian}
    elif minor:
        try:
            guardian = guardian_new = guardian_clean(
                guardian_name=guardian_name,
                guardian_phone=guardian_phone,
                guardian_relationship=guardian_relationship,
                guardian_consent=guardian_consent,
            )
        except ValidationError as exc:
            errors.update({k: list(v) for k, v in exc.error_dict.items()})

    person = person_facts(
        participant=participant,
        contest=contest,
        guardian_given=guardian_on_file is not None or guardian_new is not None,
    )
    refusal = registration_refusal(person, contest_terms(contest=contest), now=timezone.now())
    # A missing guardian's consent is answered field by field (guardian_clean's messages).
    if refusal is not None and refusal.code != "no_guardian":
        raise Refused.from_refusal(refusal)

    block = None
    root = contest.participation_root
    if unit is None:
        errors.setdefault("unit", []).append(_("Vui lòng chọn đơn vị dự thi."))
    elif not unit.path.startswith(root.path):
        errors.setdefault("unit", []).append(
            _("Đơn vị dự thi phải thuộc %(root)s.") % {"root": root.name}
        )
    elif unit.depth > root.depth:
        block = Unit.objects.get(path=unit.path[: (root.depth + 1) * Unit.steplen])

    category = None
    if "unit" not in errors:
        category = category_decide(
            contest_category_options(contest=contest),
            block_id=block.pk if block is not None else None,
            chosen_id=category_id,
        )
        if category.error:
            errors.setdefault("category", []).append(category.error)

    if not consent_participation:
        errors.setdefault("consent_participation", []).append(
            _("Bạn cần đồng ý tham gia và cho phép xử lý dữ liệu cá nhân để dự thi.")
        )

    if errors:
        raise ValidationError(errors)

    notice = consent_notice_current()
    with transaction.atomic():
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    contest=contest,
                    participant=participant,
                    unit=unit,
                    block=block,
                    category_id=category.category_id if category is not None else None,
                    document_type=participant.document_type,
                    document_number=participant.document_number,
                    age_on_reference=age,
                    age_group=_age_group(age, contest),
                    consent_participation=True,
                    consent_publish=bool(consent_publish),
                    guardian_consent=minor,
                    **guardian,
                    needs_review=participant.needs_review,
                    client_key=client_key[:16],
                    invited_via=(
                        invited_via
                        if invited_via is not None and invited_via.path.startswith(root.path)
                        else None
                    ),
                )
        except IntegrityError as exc:
            if Registration.objects.filter(contest=contest, participant=participant).exists():
                raise Refused("already_registered", MSG_ALREADY_REGISTERED) from exc
            raise Refused(
                "document_registered",
                MSG_DOCUMENT_REGISTERED % {"number": mask_document(participant.document_number)},
            ) from exc
        records = [
            ConsentRecord(
                participant=participant,
                registration=registration,
                kind=ConsentRecord.Kind.PARTICIPATION,
                notice=notice,
                given=True,
                given_by=participant.full_name,
            ),
            ConsentRecord(
                participant=participant,
                registration=registration,
                kind=ConsentRecord.Kind.PUBLISH,
                notice=notice,
                given=bool(consent_publish),
                given_by=participant.full_name,
            ),
        ]
        if minor:
            records.append(
                ConsentRecord(
                    participant=participant,
                    registration=registration,
                    kind=ConsentRecord.Kind.GUARDIAN,
                    notice=notice,
                    given=True,
                    given_by=(f"{guardian['guardian_name']} ({guardian['guardian_relationship']})")[
                        :150
                    ],
                )
            )
        ConsentRecord.objects.bulk_create(records)
        if guardian_new is not None:
            # Stored on the account too: the next contest does not ask again.
            GuardianConsent.objects.create(
                participant=participant,
                notice=notice,
                given_at=GuardianConsent.GivenAt.JOIN,
                **guardian_new,
            )
    return registration


# --- Duplicate accounts ----------------------------------------------------------------------

MSG_DUPLICATE_DECIDED = _("Trường hợp nghi trùng này đã được xử lý trước đó.")
# More candidates than this for one name is a common name, not a duplicate to review by hand.
_DUPLICATE_CANDIDATES_MAX = 10


def _duplicate_suspects_record(*, participant: Participant) -> int:
    """Queue every earlier account with the same name key, date of birth and gender as
    `participant` (its near-duplicates). Returns how many were queued."""
    earlier = (
        Participant.objects.filter(
            name_key=participant.name_key,
            date_of_birth=participant.date_of_birth,
            gender=participant.gender,
        )
        .exclude(pk=participant.pk)
        .order_by("pk")
        .values_list("pk", flat=True)[:_DUPLICATE_CANDIDATES_MAX]
    )
    suspects = [
        DuplicateSuspect(
            original_id=pk, duplicate=participant, reason=DuplicateSuspect.Reason.SAME_PERSON
        )
        for pk in earlier
    ]
    DuplicateSuspect.objects.bulk_create(suspects, ignore_conflicts=True)
    return len(suspects)


def duplicate_decide(
    *, suspect: DuplicateSuspect, status: str, user, note: str, details: dict | None = None
) -> DuplicateSuspect:
    """Record an organiser's decision on a suspect: who, when, what, why. A conditional
    UPDATE on status: a case is decided once, a second decision is refused with a message.
    Callers that change other rows (merge, disqualification) call it in their transaction."""
    note = " ".join(str(note or "").split())
    if not note:
        raise ValidationError({"note": [_("Vui lòng ghi lý do quyết định.")]})
    if status not in DuplicateSuspect.Status.values or status == DuplicateSuspect.Status.OPEN:
        raise ValidationError({"decision": [_("Quyết định không hợp lệ.")]})
    updated = DuplicateSuspect.objects.filter(
        pk=suspect.pk, status=DuplicateSuspect.Status.OPEN
    ).update(
        status=status,
        decided_by=user,
        decided_at=timezone.now(),
        decision_note=note[:300],
        decision_details=details or {},
    )
    if not updated:
        raise ValidationError({"__all__": [MSG_DUPLICATE_DECIDED]})
    suspect.refresh_from_db()
    return suspect


def duplicate_merge(
    *, suspect: DuplicateSuspect, keep: Participant, user, note: str
) -> DuplicateSuspect:
    """Keep one of the two accounts: the other's registrations (with their attempts and
    consents) move to the kept account, and the other account can no longer log in.

    Refused with a message, and nothing changed, when both accounts entered the same contest
    (one registration per contest and person would break: disqualify one instead)."""
    if keep.pk not in (suspect.original_id, suspect.duplicate_id):
        raise ValidationError({"keep": [_("Chỉ được giữ một trong hai tài khoản nghi trùng.")]})
    fold_id = suspect.duplicate_id if keep.pk == suspect.original_id else suspect.original_id
    with transaction.atomic():
        # Both accounts locked in a fixed order (lowest id first): two merges cannot cross.
        locked = {
            p.pk: p
            for p in Participant.objects.select_for_update()
            .filter(pk__in=[keep.pk, fold_id])
            .order_by("pk")
        }
        keep, fold = locked[keep.pk], locked[fold_id]
        moving = list(
            Registration.objects.filter(participant=fold).select_related("contest").order_by("pk")
        )
        shared = Registration.objects.filter(
            participant=keep, contest__in=[r.contest_id for r in moving]
        ).select_related("contest")
        titles = sorted({r.contest.title for r in shared})
        if titles:
            raise ValidationError(
                {
                    "__all__": [
                        _(
                            "Không gộp được: cả hai tài khoản đều đã đăng ký cuộc thi %(titles)s. "
                            "Hãy truất quyền tài khoản trùng thay vì gộp."
                        )
                        % {"titles": ", ".join(f"“{t}”" for t in titles)}
                    ]
                }
            )
        for registration in moving:
            age = identity.age_on(
                keep.date_of_birth, contest_reference_date(contest=registration.contest)
            )
            Registration.objects.filter(pk=registration.pk).update(
                participant=keep,
                document_type=keep.document_type,
                document_number=keep.document_number,
                age_on_reference=age,
                age_group=_age_group(age, registration.contest),
            )
        ConsentRecord.objects.filter(registration__in=moving).update(participant=keep)
        get_user_model().objects.filter(pk=fold.user_id).update(is_active=False)
        suspect = duplicate_decide(
            suspect=suspect,
            status=DuplicateSuspect.Status.MERGED,
            user=user,
            note=note,
            details={
                "kept": keep.pk,
                "folded": fold.pk,
                "moved_registrations": [r.pk for r in moving],
            },
        )
    return suspect


# --- Personal data access log ----------------------------------------------------------------


def personal_data_access_log(*, user, action: str, target: str) -> PersonalDataAccess:
    """Record that `user` saw or exported identity data in full (`action`: "view",
    "view_list", "export"...; `target`: what, e.g. "participant:42" or an export's name)."""
    return PersonalDataAccess.objects.create(
        user=user if getattr(user, "pk", None) else None,
        action=str(action)[:30],
        target=str(target)[:200],
    )
