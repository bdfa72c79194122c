"""Certificates ("Giấy chứng nhận") of a published results snapshot, and the background jobs
that make them.

A certificate's facts (name, unit, award, date, organiser) are frozen on its row when it is
made, like the snapshot they come from: the PDF and the public verification page both read
them, so neither changes under its reader. The public id is `token`: 128 random bits (not a
sequential id, not derived from anything), in the QR code's URL."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contests.models import Contest
from participants.models import Registration

from .grading import ResultsSnapshot


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Certificate(models.Model):
    class Kind(models.TextChoices):
        PRIZE = "prize", _("Đạt giải")
        SCORE = "score", _("Đạt điểm theo quy định")

    token = models.CharField(
        verbose_name=_("mã xác thực"), max_length=32, unique=True, default=new_token, editable=False
    )
    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="certificates"
    )
    # The snapshot version that first certified these facts.
    snapshot = models.ForeignKey(
        ResultsSnapshot,
        verbose_name=_("kết quả đã công bố"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("đăng ký dự thi"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    # What is certified, to recognise the same award in a later version: "prize:<structure
    # id>:<tier>" or "score".
    award_key = models.CharField(verbose_name=_("mã giải"), max_length=300)
    award = models.CharField(_("nội dung"), max_length=400)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    public_name = models.CharField(_("tên công bố"), max_length=150)
    unit_name = models.CharField(_("đơn vị"), max_length=255)
    organiser_name = models.CharField(_("đơn vị tổ chức"), max_length=255)
    issued_on = models.DateField(_("ngày cấp"))
    file = models.FileField(verbose_name=_("tệp"), upload_to="certificates/", max_length=200)
    created_at = models.DateTimeField(verbose_name=_("tạo lúc"), auto_now_add=True)
    # Set when a later snapshot version no longer has this award.
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_in_version = models.PositiveIntegerField(
        verbose_name=_("thu hồi ở phiên bản"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = pgettext_lazy("plural", "giấy chứng nhận")
        ordering = ["contest", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "award_key"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_one_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name}: {self.award}"


class CertificateJob(models.Model):
    """The making of a contest's certificates for one snapshot version, by a worker: how many
    are wanted, how many are done (made now or already there)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="+"
    )
    snapshot = models.ForeignKey(
        ResultsSnapshot,
        verbose_name=_("kết quả đã công bố"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The site's address as the organiser used it: the QR codes point there.
    base_url = models.CharField(verbose_name=_("địa chỉ trang"), max_length=200)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("số giấy chứng nhận"), default=0)
    done = models.PositiveIntegerField(_("đã xử lý"), default=0)
    created = models.PositiveIntegerField(_("tạo mới"), default=0)
    revoked = models.PositiveIntegerField(_("thu hồi"), default=0)
    error = models.TextField(verbose_name=_("lỗi"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đợt tạo giấy chứng nhận")
        verbose_name_plural = pgettext_lazy("plural", "đợt tạo giấy chứng nhận")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.contest_id} v{self.snapshot_id} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
