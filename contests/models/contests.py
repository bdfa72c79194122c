from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contests.dates import (
    CONTEST_MAX,
    CONTEST_MIN,
    date_range_q,
    datetime_range_q,
    validate_contest_date,
)
from contests.masking import mask_document
from contests.rules.tie_breaks import CumulativeRule

from .units import Unit


def _in_range(field: str, *, null: bool = False, timestamp: bool = True) -> Q:
    """The plausible range of a typed contest date (contests/dates.py) as a CHECK condition."""
    condition = datetime_range_q if timestamp else date_range_q
    return condition(field, low=CONTEST_MIN, high=CONTEST_MAX, null=null)


class Contest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã công bố")
        CLOSED = "closed", _("Đã kết thúc")
        RESULTS_PUBLISHED = "results_published", _("Đã công bố kết quả")

    class ReviewContent(models.TextChoices):
        SCORE = "score", _("Chỉ điểm số")
        ANSWERS = "answers", _("Điểm và đáp án")
        EXPLANATIONS = "explanations", _("Điểm, đáp án và giải thích")

    class ReviewTiming(models.TextChoices):
        IMMEDIATELY = "immediately", _("Ngay sau khi nộp bài")
        AFTER_ROUND = "after_round", _("Sau khi kết thúc tuần/vòng thi")
        AFTER_CONTEST = "after_contest", _("Sau khi kết thúc cuộc thi")

    class PredictionTarget(models.TextChoices):
        PERFECT_PARTICIPANTS = "perfect_participants", _("Số người trả lời đúng tất cả các câu hỏi")
        PERFECT_ATTEMPTS = "perfect_attempts", _("Số bài thi trả lời đúng tất cả các câu hỏi")
        PARTICIPANTS = "participants", _("Số người dự thi")
        ATTEMPTS = "attempts", _("Số bài dự thi")

    class PracticeMode(models.TextChoices):
        # When "Thi thử" (learning.PracticeAttempt) is open; it never counts anywhere.
        OFF = "off", _("Không mở thi thử")
        BEFORE = "before", _("Trước khi cuộc thi bắt đầu")
        BEFORE_AND_DURING = "before_during", _("Trước và trong thời gian thi")
        ALWAYS = "always", _("Trước, trong và sau cuộc thi")

    class CollectiveRule(models.TextChoices):
        PARTICIPANTS = "participants", _("Số người dự thi")
        RATE = "rate", _("Tỷ lệ người dự thi trên tổng số")
        MEAN_SCORE = "mean_score", _("Điểm trung bình")
        WINNER_POINTS = "winner_points", _("Điểm theo số người đạt giải cá nhân")
        COMPOSITE = "composite", _("Kết hợp nhiều tiêu chí theo trọng số")

    owner_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="owned_contests",
        verbose_name=_("đơn vị tổ chức"),
    )
    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True)
    title = models.CharField(_("tên cuộc thi"), max_length=300)
    summary = models.TextField(_("giới thiệu ngắn"), blank=True)
    # Sanitised HTML (nh3) written by organisers: plan and rules (thể lệ).
    purpose = models.TextField(_("mục đích"), blank=True)
    requirements = models.TextField(_("yêu cầu"), blank=True)
    rules = models.TextField(_("thể lệ"), blank=True)
    opens_at = models.DateTimeField(_("thời gian bắt đầu"))
    closes_at = models.DateTimeField(
        _("thời gian kết thúc"),
        help_text=_("“24 giờ ngày 1/9/2023” là 00:00 ngày 2/9/2023."),
    )
    participation_root = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="participation_contests",
        verbose_name=_("cây đơn vị dự thi"),
        help_text=_(
            "Người dự thi chọn đơn vị trong cây con này; các đơn vị con trực tiếp là các khối."
        ),
    )
    # Eligibility
    min_age = models.PositiveSmallIntegerField(
        _("tuổi tối thiểu"), default=14, validators=[MaxValueValidator(100)]
    )
    age_reference_date = models.DateField(
        _("ngày tính tuổi"),
        null=True,
        blank=True,
        help_text=_("Mặc định: ngày bắt đầu."),
        validators=[validate_contest_date],
    )
    allow_citizens = models.BooleanField(_("công dân Việt Nam"), default=True)
    allow_foreigners = models.BooleanField(_("người nước ngoài cư trú"), default=True)
    eligibility_note = models.TextField(_("đối tượng dự thi (mô tả)"), blank=True)
    # Taking the test
    attempts_allowed = models.PositiveSmallIntegerField(
        _("số lần thi tối đa"), default=1, help_text=_("0 = không giới hạn.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("thời gian làm bài (phút)"), default=20, validators=[MinValueValidator(1)]
    )
    shuffle_options = models.BooleanField(_("đảo thứ tự phương án"), default=True)
    review_content = models.CharField(
        _("sau khi nộp bài được xem"),
        max_length=20,
        choices=ReviewContent.choices,
        default=ReviewContent.SCORE,
    )
    review_timing = models.CharField(
        _("thời điểm được xem đáp án"),
        max_length=20,
        choices=ReviewTiming.choices,
        default=ReviewTiming.AFTER_CONTEST,
    )
    # Practice ("Thi thử", the learning app): drawn from questions whose pool includes
    # practice, never counted in any figure, ranking or prize.
    practice_mode = models.CharField(
        _("thi thử"), max_length=20, choices=PracticeMode.choices, default=PracticeMode.OFF
    )
    practice_question_count = models.PositiveSmallIntegerField(
        _("số câu mỗi lần thi thử"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    # Prediction question: the second ranking key.
    prediction_text = models.CharField(_("câu hỏi dự đoán"), max_length=500, blank=True)
    prediction_target = models.CharField(
        _("câu hỏi dự đoán đếm"),
        max_length=30,
        choices=PredictionTarget.choices,
        default=PredictionTarget.PERFECT_PARTICIPANTS,
    )
    prediction_actual = models.BigIntegerField(_("đáp án câu hỏi dự đoán"), null=True, blank=True)
    # Prizes
    collective_rule = models.CharField(
        _("xếp giải tập thể theo"),
        max_length=20,
        choices=CollectiveRule.choices,
        default=CollectiveRule.PARTICIPANTS,
    )
    # The collective formula's parameters (scoring.rules.collective): points per individual
    # winner of the unit, the composite's weights, and the precondition on the unit's rate.
    collective_points_per_winner = models.PositiveSmallIntegerField(
        _("điểm cho mỗi người đạt giải cá nhân"), default=1, validators=[MaxValueValidator(1000)]
    )
    collective_weight_participants = models.PositiveSmallIntegerField(
        _("trọng số: số người dự thi"), default=0, validators=[MaxValueValidator(100)]
    )
    collective_weight_rate = models.PositiveSmallIntegerField(
        _("trọng số: tỷ lệ tham gia"), default=0, validators=[MaxValueValidator(100)]
    )
    collective_weight_mean = models.PositiveSmallIntegerField(
        _("trọng số: điểm trung bình"), default=0, validators=[MaxValueValidator(100)]
    )
    collective_weight_winners = models.PositiveSmallIntegerField(
        _("trọng số: số người đạt giải cá nhân"), default=0, validators=[MaxValueValidator(100)]
    )
    collective_min_rate_percent = models.PositiveSmallIntegerField(
        _("điều kiện xét giải tập thể: tỷ lệ tham gia tối thiểu (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Ví dụ 100: chỉ xét đơn vị có 100% cán bộ, công chức thuộc diện bắt buộc tham gia "
            "(so với “tổng số” của đơn vị). Để trống: không có điều kiện."
        ),
    )
    # Ranking: the tie-break chain (contests.rules.tie_breaks.TieBreak names, first decides
    # first; empty: the default chain) and how rounds add up in the overall ranking.
    tie_break_chain = models.JSONField(_("thứ tự xét xếp hạng"), default=list, blank=True)
    cumulative_rule = models.CharField(
        _("xếp hạng chung cả cuộc thi theo"),
        max_length=20,
        choices=CumulativeRule.choices,
        default=CumulativeRule.BEST_ATTEMPT,
    )
    winner_may_take_unit_prize = models.BooleanField(
        _("người đạt giải cấp thành phố được nhận giải cấp cơ sở"), default=False
    )
    # Certificates (scoring.Certificate): every winner gets one; with a score here, so does
    # everyone whose best score (out of 100) reaches it.
    certificate_min_score = models.DecimalField(
        _("cấp giấy chứng nhận cho người đạt từ (điểm)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Thang điểm 100. Để trống: chỉ cấp giấy chứng nhận cho người đạt giải."),
    )
    # Whom citizens ask for help (shown on every page of the contest); empty: an organiser of
    # the owner unit (participants.accounts.selectors.support_contact_for).
    support_phone = models.CharField(_("điện thoại hỗ trợ"), max_length=20, blank=True)
    support_email = models.EmailField(_("thư điện tử hỗ trợ"), blank=True)
    retention_days = models.PositiveIntegerField(
        _("lưu số giấy tờ (ngày sau khi kết thúc)"), default=365
    )
    # The daily official board (bảng tổng sắp, reports.BoardSnapshot): at this local hour each
    # day the figures up to 24:00 of the day before are frozen and published.
    board_hour = models.PositiveSmallIntegerField(
        _("giờ chốt bảng tổng sắp hằng ngày"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(23)],
        help_text=_(
            "Từ 0 đến 23 (giờ Việt Nam): mỗi ngày vào giờ này, số liệu tham gia theo đơn vị "
            "tính đến 24 giờ ngày hôm trước được chốt và công bố công khai. Để trống: không "
            "công bố bảng tổng sắp."
        ),
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cuộc thi")
        verbose_name_plural = pgettext_lazy("plural", "cuộc thi")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="contest_closes_after_opens"
            ),
            models.CheckConstraint(condition=_in_range("opens_at"), name="contest_opens_in_range"),
            models.CheckConstraint(
                condition=_in_range("closes_at"), name="contest_closes_in_range"
            ),
            models.CheckConstraint(
                condition=_in_range("age_reference_date", null=True, timestamp=False),
                name="contest_age_reference_date_in_range",
            ),
            models.CheckConstraint(
                condition=Q(board_hour__isnull=True) | Q(board_hour__lte=23),
                name="contest_board_hour_in_day",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """A line of the plan's timeline (e.g. "01/9–30/9: thi trực tuyến")."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("ngày"), validators=[validate_contest_date])
    text = models.CharField(_("nội dung"), max_length=300)

    class Meta:
        verbose_name = _("mốc thời gian")
        verbose_name_plural = pgettext_lazy("plural", "mốc thời gian")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_in_range("date", timestamp=False), name="milestone_date_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Round(models.Model):
    """An optional round (e.g. a week) with its own window, attempts and answer."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    title = models.CharField(_("tên"), max_length=200)
    opens_at = models.DateTimeField(_("bắt đầu"))
    closes_at = models.DateTimeField(_("kết thúc"))
    attempts_allowed = models.PositiveSmallIntegerField(
        _("số lần thi tối đa trong vòng"),
        null=True,
        blank=True,
        help_text=_("Để trống: theo cuộc thi."),
    )
    prediction_text = models.CharField(_("câu hỏi dự đoán"), max_length=500, blank=True)
    prediction_target = models.CharField(
        _("câu hỏi dự đoán đếm"),
        max_length=30,
        choices=Contest.PredictionTarget.choices,
        default=Contest.PredictionTarget.PERFECT_PARTICIPANTS,
    )
    prediction_actual = models.BigIntegerField(_("đáp án câu hỏi dự đoán"), null=True, blank=True)

    class Meta:
        verbose_name = _("vòng thi")
        verbose_name_plural = pgettext_lazy("plural", "vòng thi")
        ordering = ["contest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="round_number_unique"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_opens"
            ),
            models.CheckConstraint(condition=_in_range("opens_at"), name="round_opens_in_range"),
            models.CheckConstraint(condition=_in_range("closes_at"), name="round_closes_in_range"),
        ]

    def __str__(self) -> str:
        return self.title


class ExcludedPerson(models.Model):
    """People who may not enter (organisers, judges...), by document number."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="excluded")
    document_number = models.CharField(_("số giấy tờ"), max_length=20)
    reason = models.CharField(_("lý do"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("người không được dự thi")
        verbose_name_plural = pgettext_lazy("plural", "người không được dự thi")
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "document_number"], name="excluded_person_unique"
            )
        ]

    def __str__(self) -> str:
        # Masked: admin shows it above each inline row and writes it to its history.
        return mask_document(self.document_number)


class ContestChange(models.Model):
    """Audit of changes to rules, answer key or prizes after publishing: who, when, before/after."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="changes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người sửa"), null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(verbose_name=_("thời điểm"), auto_now_add=True)
    what = models.CharField(verbose_name=_("nội dung sửa"), max_length=100)
    before = models.JSONField(verbose_name=_("trước khi sửa"), default=dict)
    after = models.JSONField(verbose_name=_("sau khi sửa"), default=dict)

    class Meta:
        verbose_name = _("thay đổi sau khi công bố")
        verbose_name_plural = pgettext_lazy("plural", "thay đổi sau khi công bố")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.contest_id} {self.what} {self.at:%Y-%m-%d %H:%M}"
