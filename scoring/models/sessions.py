from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contests.models import Contest, Round, Unit
from participants.models import Registration


class ExamSession(models.Model):
    """A scheduled start ("Ca thi"): the people registered in a unit's subtree (a school, an
    office) start the contest's test together at `starts_at`. Their tests are drawn ahead of
    time (`scoring.services.prepared`), so that each start is a claim of a ready test instead
    of a draw; what is left unclaimed after `ends_at` is discarded."""

    contest = models.ForeignKey(
        Contest,
        verbose_name=_("cuộc thi"),
        on_delete=models.CASCADE,
        related_name="exam_sessions",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="exam_sessions",
        help_text=_("Người dự thi đăng ký thuộc đơn vị này (kể cả các đơn vị trực thuộc)."),
    )
    name = models.CharField(_("tên ca thi"), max_length=200)
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(
        _("kết thúc"),
        help_text=_("Sau thời điểm này, đề đã rút trước mà chưa ai dùng được xoá."),
    )
    prepared_at = models.DateTimeField(_("đã chuẩn bị đề lúc"), null=True, blank=True)
    prepared_count = models.PositiveIntegerField(_("số đề đã rút trước"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("ca thi")
        verbose_name_plural = _("ca thi")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="exam_session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PreparedAttempt(models.Model):
    """A test drawn ahead for one person of a session: question and option ids in order, as an
    attempt would store them. Never an attempt: no roll-up, ranking, export or prize reads this
    table. The person's start claims it (one DELETE … RETURNING and the attempt's INSERT) when
    it still fits: the same round, the same attempt number, and the same draw plan
    (`fingerprint`: the blueprint and the drawable questions); otherwise the start draws."""

    session = models.ForeignKey(
        ExamSession, on_delete=models.CASCADE, related_name="prepared_attempts"
    )
    # One ready test per person: a later session's draw replaces an earlier one.
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="prepared_attempt"
    )
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.CASCADE)
    number = models.PositiveSmallIntegerField()
    items = models.JSONField()
    fingerprint = models.CharField(max_length=40)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("đề rút trước")
        verbose_name_plural = _("đề rút trước")

    def __str__(self) -> str:
        return f"{self.registration_id} #{self.number}"
