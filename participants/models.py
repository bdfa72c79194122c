from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contests.dates import BIRTH_MAX, BIRTH_MIN, date_range_q
from contests.models import Contest, Unit
from participants import identity


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class DocumentType(models.TextChoices):
    CCCD = identity.DOCUMENT_CCCD, _("Căn cước / CCCD")
    PASSPORT = identity.DOCUMENT_PASSPORT, _("Hộ chiếu")
    RESIDENCE_CARD = "residence_card", _("Thẻ thường trú / tạm trú")


class Participant(models.Model):
    """A person's identity, registered once. The account's username is the phone (E.164).
    Ethnicity and religion are sensitive personal data and are deliberately not collected."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participant"
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    date_of_birth = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices)
    document_type = models.CharField(
        _("loại giấy tờ"), max_length=20, choices=DocumentType.choices, default=DocumentType.CCCD
    )
    document_number = models.CharField(_("số giấy tờ"), max_length=20)
    issuing_country = models.CharField(_("quốc gia cấp"), max_length=2, blank=True)
    # identity.identity_key of the document: one account per person, whatever document type
    # they chose (a CCCD number typed as a passport is the same key). Null only for an old
    # second account found by the migration that added it, waiting in the duplicates queue.
    identity_key = models.CharField(max_length=40, null=True, blank=True, editable=False)
    # identity.name_key of full_name: near-duplicates (same person, name retyped) are found
    # by (name_key, date_of_birth, gender) with an index.
    name_key = models.CharField(max_length=150, blank=True, editable=False)
    phone = models.CharField(_("số điện thoại"), max_length=16, unique=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    residence_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("nơi cư trú"),
    )
    work_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("nơi công tác/học tập"),
    )
    # Birth registered outside the 63 province codes: confirmed by the person, reviewed by staff.
    foreign_birth_confirmed = models.BooleanField(
        verbose_name=_("đã xác nhận sinh ở nước ngoài"), default=False
    )
    needs_review = models.BooleanField(_("cần rà soát"), default=False)
    created_at = models.DateTimeField(verbose_name=_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("người dự thi")
        verbose_name_plural = pgettext_lazy("plural", "người dự thi")
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_number"], name="participant_document_unique"
            ),
            models.UniqueConstraint(fields=["identity_key"], name="participant_identity_unique"),
            models.CheckConstraint(
                condition=date_range_q("date_of_birth", low=BIRTH_MIN, high=BIRTH_MAX, null=False),
                name="participant_birth_date_range",
            ),
        ]
        indexes = [
            models.Index(
                fields=["name_key", "date_of_birth", "gender"], name="participant_near_dup_idx"
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class Registration(models.Model):
    """A participant entered in one contest, for one unit (what the figures count).

    The document is copied here so that "one registration per (contest, document type,
    number)" is a plain database constraint."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.PROTECT, related_name="registrations"
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("người dự thi"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("đơn vị dự thi"),
    )
    # The child of the contest's participation root the unit lies under ("Khối ...").
    block = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("khối"),
    )
    document_type = models.CharField(
        verbose_name=_("loại giấy tờ"), max_length=20, choices=DocumentType.choices
    )
    document_number = models.CharField(verbose_name=_("số giấy tờ"), max_length=20)
    age_on_reference = models.PositiveSmallIntegerField(_("tuổi tại ngày tính tuổi"))
    # The key of the contest's age group (participants.rules.age_groups): "u18", "18+"; the
    # label comes from the contest's own groups, never from here.
    age_group = models.CharField(_("nhóm tuổi"), max_length=5)
    consent_participation = models.BooleanField(_("đồng ý tham gia"), default=False)
    consent_publish = models.BooleanField(_("đồng ý công bố tên và kết quả"), default=False)
    guardian_name = models.CharField(_("họ tên cha/mẹ/người giám hộ"), max_length=150, blank=True)
    guardian_phone = models.CharField(_("điện thoại người giám hộ"), max_length=16, blank=True)
    guardian_relationship = models.CharField(_("quan hệ"), max_length=50, blank=True)
    guardian_consent = models.BooleanField(_("người giám hộ đồng ý"), default=False)
    needs_review = models.BooleanField(_("cần rà soát"), default=False)
    created_at = models.DateTimeField(verbose_name=_("đăng ký lúc"), auto_now_add=True)
    # Set by participants.retention when the contest's retention period ended: the document
    # number and the guardian's phone have been overwritten.
    identity_purged_at = models.DateTimeField(_("đã xóa số giấy tờ lúc"), null=True, blank=True)
    # The unit whose invite link (participants.invites) brought this registration, counted per
    # unit for the organisers; kept apart from `unit`, which the person may choose otherwise.
    invited_via = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("qua liên kết mời của đơn vị"),
    )

    # The contest's category this person is ranked and awarded in (contests.Category;
    # participants.rules.category): derived from the block, or chosen at join.
    category = models.ForeignKey(
        "contests.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("đối tượng dự thi"),
    )
    # Extra minutes on every attempt's time limit, granted by an organiser (TimeAllowanceGrant).
    extra_minutes = models.PositiveSmallIntegerField(_("thời gian làm bài thêm (phút)"), default=0)
    # A keyed hash of the address and device that registered (never the address itself):
    # evidence for the integrity app's registration-burst flags.
    client_key = models.CharField(max_length=16, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("đăng ký dự thi")
        verbose_name_plural = pgettext_lazy("plural", "đăng ký dự thi")
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "document_type", "document_number"],
                name="registration_document_unique",
            ),
            models.UniqueConstraint(
                fields=["contest", "participant"], name="registration_participant_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["contest", "unit"]),
            models.Index(fields=["contest", "invited_via"], name="registration_invited_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.contest_id}"

    @property
    def is_minor_under_16(self) -> bool:
        return self.age_on_reference < identity.GUARDIAN_AGE

    @property
    def may_show_name(self) -> bool:
        """A name is shown publicly only with consent, and for a child under 16 with the
        guardian's consent too."""
        if not self.consent_publish:
            return False
        return self.guardian_consent if self.is_minor_under_16 else True


class ConsentNotice(models.Model):
    """A versioned privacy notice; each consent points at the version the person saw."""

    version = models.CharField(_("phiên bản"), max_length=20, unique=True)
    text = models.TextField(_("nội dung"))
    published_at = models.DateTimeField(verbose_name=_("công bố lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo xử lý dữ liệu cá nhân")
        verbose_name_plural = pgettext_lazy("plural", "thông báo xử lý dữ liệu cá nhân")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.version


class ConsentRecord(models.Model):
    class Kind(models.TextChoices):
        PARTICIPATION = "participation", _("Tham gia và xử lý dữ liệu")
        PUBLISH = "publish", _("Công bố tên và kết quả")
        GUARDIAN = "guardian", _("Đồng ý của người giám hộ")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("người dự thi"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("đăng ký dự thi"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
    )
    kind = models.CharField(verbose_name=_("loại"), max_length=20, choices=Kind.choices)
    notice = models.ForeignKey(ConsentNotice, verbose_name=_("thông báo"), on_delete=models.PROTECT)
    given = models.BooleanField(verbose_name=_("đồng ý"), default=True)
    given_by = models.CharField(_("người đồng ý"), max_length=150)
    at = models.DateTimeField(verbose_name=_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("bản ghi đồng ý")
        verbose_name_plural = pgettext_lazy("plural", "bản ghi đồng ý")

    def __str__(self) -> str:
        return f"{self.participant_id} {self.kind} {self.notice_id}"


class PersonalDataAccess(models.Model):
    """Every full view or full export of identity data: who, what, when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), null=True, on_delete=models.SET_NULL
    )
    action = models.CharField(verbose_name=_("thao tác"), max_length=30)
    target = models.CharField(verbose_name=_("dữ liệu đã xem"), max_length=200)
    at = models.DateTimeField(verbose_name=_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhật ký truy cập dữ liệu cá nhân")
        verbose_name_plural = pgettext_lazy("plural", "nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at"]
        # Declared here, not on Participant: the organiser role is granted every permission
        # of Participant and Registration (ParticipantsConfig.organiser_models), and seeing
        # numbers in full must be granted explicitly, one account at a time.
        permissions = [("view_full_identity", _("Xem đầy đủ số giấy tờ và số điện thoại"))]

    def __str__(self) -> str:
        from django.apps import apps

        from participants.rules.data_access_text import action_text, target_text

        models_named = {m._meta.model_name: str(m._meta.verbose_name) for m in apps.get_models()}
        return (
            f"{self.user_id}: {action_text(self.action)}, {target_text(self.target, models_named)}"
        )


class IdentityChange(models.Model):
    """A change to locked identity fields, made by an organiser and recorded."""

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("người dự thi"),
        on_delete=models.CASCADE,
        related_name="identity_changes",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người sửa"), null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(verbose_name=_("thời điểm"), auto_now_add=True)
    before = models.JSONField(verbose_name=_("trước khi sửa"))
    after = models.JSONField(verbose_name=_("sau khi sửa"))
    reason = models.CharField(verbose_name=_("lý do"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("thay đổi thông tin định danh")
        verbose_name_plural = pgettext_lazy("plural", "thay đổi thông tin định danh")

    def __str__(self) -> str:
        return f"{self.participant_id} {self.at:%Y-%m-%d}"


class GuardianConsent(models.Model):
    """A parent's or guardian's consent for a person under identity.GUARDIAN_AGE, given with
    the account (or, for an account created before this was required, before joining a
    contest). Registrations copy it; the latest row is the one in force."""

    class GivenAt(models.TextChoices):
        ACCOUNT = "account", _("Khi tạo tài khoản")
        JOIN = "join", _("Khi đăng ký dự thi")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="guardian_consents"
    )
    guardian_name = models.CharField(_("họ tên cha/mẹ/người giám hộ"), max_length=150)
    guardian_relationship = models.CharField(_("quan hệ"), max_length=50)
    guardian_phone = models.CharField(_("điện thoại người giám hộ"), max_length=16)
    notice = models.ForeignKey(ConsentNotice, on_delete=models.PROTECT)
    given_at = models.CharField(_("thời điểm đồng ý"), max_length=10, choices=GivenAt.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đồng ý của người giám hộ")
        verbose_name_plural = pgettext_lazy("plural", "đồng ý của người giám hộ")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.guardian_name} ({self.guardian_relationship})"


class DuplicateSuspect(models.Model):
    """Two accounts that may be the same person (same name once accents, spacing and case are
    set aside, same date of birth and gender), queued for an organiser. The decision is
    recorded on the row itself (who, when, what, why, and what was moved); a decided row is
    never decided again (conditional UPDATE on status)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chờ xử lý")
        MERGED = "merged", _("Đã gộp tài khoản")
        DISQUALIFIED = "disqualified", _("Đã truất quyền tài khoản trùng")
        NOT_DUPLICATE = "not_duplicate", _("Không phải trùng")

    class Reason(models.TextChoices):
        SAME_PERSON = "same_person", _("Trùng họ tên, ngày sinh, giới tính")
        SAME_DOCUMENT = "same_document", _("Trùng số giấy tờ (tìm thấy khi nâng cấp)")

    # `duplicate` is the later account (the one a merge folds away); `original` the earlier.
    original = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("tài khoản có trước"),
    )
    duplicate = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="duplicate_suspicions",
        verbose_name=_("tài khoản nghi trùng"),
    )
    reason = models.CharField(_("lý do"), max_length=20, choices=Reason.choices)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("phát hiện lúc"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người xử lý"),
    )
    decided_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    decision_note = models.CharField(_("lý do quyết định"), max_length=300, blank=True)
    decision_details = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("tài khoản nghi trùng")
        verbose_name_plural = pgettext_lazy("plural", "tài khoản nghi trùng")
        ordering = ["status", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["original", "duplicate"], name="duplicate_suspect_pair_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(original=models.F("duplicate")),
                name="duplicate_suspect_two_accounts",
            ),
        ]

    def __str__(self) -> str:
        # Names, not ids: the clerk reads this as the page's title and in the history.
        return f"{self.duplicate.full_name} ~ {self.original.full_name}"


class TimeAllowanceGrant(models.Model):
    """An organiser granted (or changed) a person's extra time: the audit of
    `Registration.extra_minutes`, as Moodle's user overrides."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="allowance_grants"
    )
    minutes = models.PositiveSmallIntegerField(_("số phút làm bài thêm"))
    reason = models.CharField(_("lý do"), max_length=300)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người cho phép"),
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("cho phép thêm thời gian")
        verbose_name_plural = pgettext_lazy("plural", "cho phép thêm thời gian")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.registration_id}: +{self.minutes}"


# --- Accounts (participants/accounts/): one-time codes, the SMS delivery log, deletions ----


class OneTimeCode(models.Model):
    """A one-time code (6 digits, by SMS) or link (a long token) that proves a person holds a
    phone or was given a reset by an organiser.

    Only a keyed hash is stored (participants.accounts.codes). A request for a number that
    has no account still gets a row, with no participant: the pages that follow behave the
    same way (wrong code, tries counted), so nothing tells whether the number is registered.
    `tries` counts checks; the code is dead after MAX_TRIES, at `expires_at`, or once used."""

    class Purpose(models.TextChoices):
        RESET = "reset", _("Khôi phục mật khẩu")
        PHONE_CHANGE = "phone_change", _("Đổi số điện thoại")
        ASSISTED_RESET = "assisted_reset", _("Cán bộ cấp lại mật khẩu")

    purpose = models.CharField(_("mục đích"), max_length=20, choices=Purpose.choices)
    participant = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="one_time_codes",
        verbose_name=_("người dự thi"),
    )
    # Where the code went (E.164), for a phone change the new number; blank for a link.
    destination = models.CharField(_("gửi đến"), max_length=16, blank=True)
    code_hash = models.CharField(max_length=64)
    salt = models.CharField(max_length=32)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    tries = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cán bộ cấp"),
    )
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("mã dùng một lần")
        verbose_name_plural = pgettext_lazy("plural", "mã dùng một lần")
        indexes = [models.Index(fields=["expires_at"], name="onetimecode_expires_idx")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.pk}"


class SmsDelivery(models.Model):
    """One SMS handed to the backend (participants.sms): to whom, why, what became of it.
    The text is never stored (it holds a code)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi không được")

    to = models.CharField(_("số nhận"), max_length=16)
    purpose = models.CharField(_("mục đích"), max_length=20)
    backend = models.CharField(_("kênh gửi"), max_length=100)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    provider_id = models.CharField(_("mã tin của nhà mạng"), max_length=100, blank=True)
    error = models.CharField(_("lỗi"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tin nhắn SMS")
        verbose_name_plural = pgettext_lazy("plural", "tin nhắn SMS")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.purpose} {self.status}"


class AccountDeletion(models.Model):
    """A person asked to delete their account. When no contest result has to be kept the
    account is deleted at once and this row keeps only the date (participant null). Otherwise
    the account is closed at once and anonymised at `due_at` (the end of the last retention
    period of the contests the person entered) by a daily job, which sets `done_at`."""

    participant = models.OneToOneField(
        Participant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deletion",
        verbose_name=_("người dự thi"),
    )
    requested_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    due_at = models.DateTimeField(_("ẩn danh lúc"), null=True, blank=True)
    done_at = models.DateTimeField(_("đã xử lý lúc"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=20)
    reason = models.CharField(_("lý do"), max_length=500)

    class Meta:
        verbose_name = _("yêu cầu xoá tài khoản")
        verbose_name_plural = pgettext_lazy("plural", "yêu cầu xoá tài khoản")
        indexes = [models.Index(fields=["done_at", "due_at"], name="accountdeletion_due_idx")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.outcome}"


class RosterEntry(models.Model):
    """A person who must take part (danh sách cán bộ, công chức thuộc diện bắt buộc, seed
    002), imported by the unit's organiser and matched to a registration by document number
    or phone (participants.rules.roster): the unit's "who has not yet taken part"."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="roster"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="roster_entries", verbose_name=_("đơn vị")
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    document_number = models.CharField(_("số CCCD"), max_length=20, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=16, blank=True)
    # Filled by the match (participants.services roster match); empty: not registered yet.
    registration = models.ForeignKey(
        Registration,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("đăng ký dự thi"),
    )
    matched_at = models.DateTimeField(_("đối chiếu lúc"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("người thuộc diện tham gia")
        verbose_name_plural = pgettext_lazy("plural", "danh sách người thuộc diện tham gia")
        indexes = [
            models.Index(fields=["contest", "unit"], name="roster_contest_unit_idx"),
            models.Index(fields=["contest", "document_number"], name="roster_document_idx"),
            models.Index(fields=["contest", "phone"], name="roster_phone_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name
