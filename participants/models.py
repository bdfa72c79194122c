from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contests.models import Contest, Unit


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class DocumentType(models.TextChoices):
    CCCD = "cccd", _("Căn cước / CCCD")
    PASSPORT = "passport", _("Hộ chiếu")
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
    foreign_birth_confirmed = models.BooleanField(default=False)
    needs_review = models.BooleanField(_("cần rà soát"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("người dự thi")
        verbose_name_plural = pgettext_lazy("plural", "người dự thi")
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_number"], name="participant_document_unique"
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class Registration(models.Model):
    """A participant entered in one contest, for one unit (what the figures count).

    The document is copied here so that "one registration per (contest, document type,
    number)" is a plain database constraint."""

    class AgeGroup(models.TextChoices):
        UNDER_18 = "u18", _("Từ đủ 14 đến dưới 18 tuổi")
        ADULT = "18+", _("Từ đủ 18 tuổi trở lên")

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="registrations")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="registrations"
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
    document_type = models.CharField(max_length=20, choices=DocumentType.choices)
    document_number = models.CharField(max_length=20)
    age_on_reference = models.PositiveSmallIntegerField(_("tuổi tại ngày tính tuổi"))
    age_group = models.CharField(_("nhóm tuổi"), max_length=5, choices=AgeGroup.choices)
    consent_participation = models.BooleanField(_("đồng ý tham gia"), default=False)
    consent_publish = models.BooleanField(_("đồng ý công bố tên và kết quả"), default=False)
    guardian_name = models.CharField(_("họ tên cha/mẹ/người giám hộ"), max_length=150, blank=True)
    guardian_phone = models.CharField(_("điện thoại người giám hộ"), max_length=16, blank=True)
    guardian_relationship = models.CharField(_("quan hệ"), max_length=50, blank=True)
    guardian_consent = models.BooleanField(_("người giám hộ đồng ý"), default=False)
    needs_review = models.BooleanField(_("cần rà soát"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by participants.retention when the contest's retention period ended: the document
    # number and the guardian's phone have been overwritten.
    identity_purged_at = models.DateTimeField(_("đã xóa số giấy tờ lúc"), null=True, blank=True)

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
        indexes = [models.Index(fields=["contest", "unit"])]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.contest_id}"

    @property
    def is_minor_under_16(self) -> bool:
        return self.age_on_reference < 16

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
    published_at = models.DateTimeField(auto_now_add=True)

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

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    notice = models.ForeignKey(ConsentNotice, on_delete=models.PROTECT)
    given = models.BooleanField(default=True)
    given_by = models.CharField(_("người đồng ý"), max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bản ghi đồng ý")
        verbose_name_plural = pgettext_lazy("plural", "bản ghi đồng ý")

    def __str__(self) -> str:
        return f"{self.participant_id} {self.kind} {self.notice_id}"


class PersonalDataAccess(models.Model):
    """Every full view or full export of identity data: who, what, when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=30)
    target = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhật ký truy cập dữ liệu cá nhân")
        verbose_name_plural = pgettext_lazy("plural", "nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at"]
        # Declared here, not on Participant: the organiser role is granted every permission
        # of Participant and Registration (contests.services.units.roles_ensure), and seeing
        # numbers in full must be granted explicitly, one account at a time.
        permissions = [("view_full_identity", _("Xem đầy đủ số giấy tờ và số điện thoại"))]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.target}"


class IdentityChange(models.Model):
    """A change to locked identity fields, made by an organiser and recorded."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="identity_changes"
    )
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)
    before = models.JSONField()
    after = models.JSONField()
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("thay đổi thông tin định danh")
        verbose_name_plural = pgettext_lazy("plural", "thay đổi thông tin định danh")

    def __str__(self) -> str:
        return f"{self.participant_id} {self.at:%Y-%m-%d}"
