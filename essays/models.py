"""Essay rounds and their judging (seed 003: Hà Nội 2019). A contest's essay task (alone or
beside a multiple-choice round), the entries people write or upload, the rubric, the judges
and panels per level (a district's preliminary panel, the city's final panel), who marks what,
and the marks. Entries are anonymous to judges: they see `Entry.code` only.

Layer: contests ← participants ← essays ← scoring ← reports (scoring's prize allocation reads
the final marks)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contests.models import Contest, Round, Unit
from participants.models import Registration

from .storage import entry_file_name, essays_storage


class EssayTask(models.Model):
    """The essay part of a contest: its questions, how answers are given, the two deadlines
    (the unit's inbox, then the city's), how many of each district's best go to the city, when
    a third judge is needed, and how the final mark combines with the multiple-choice score."""

    class AnswerMode(models.TextChoices):
        TYPED = "typed", _("Gõ trực tiếp trên trang")
        UPLOAD = "upload", _("Tải lên tệp (PDF, DOCX hoặc ảnh chụp bài viết tay)")
        EITHER = "either", _("Gõ trực tiếp hoặc tải lên tệp")

    contest = models.ForeignKey(
        Contest, verbose_name=_("cuộc thi"), on_delete=models.CASCADE, related_name="essay_tasks"
    )
    round = models.ForeignKey(
        Round,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="essay_tasks",
        verbose_name=_("tuần/vòng thi"),
    )
    title = models.CharField(_("tên phần thi tự luận"), max_length=200)
    # Sanitised HTML (nh3), as the contest's rules.
    questions = models.TextField(_("câu hỏi tự luận"))
    answer_mode = models.CharField(
        _("hình thức nộp bài"), max_length=10, choices=AnswerMode.choices, default=AnswerMode.EITHER
    )
    word_limit = models.PositiveIntegerField(
        _("số từ tối đa (bài gõ trực tiếp)"), null=True, blank=True
    )
    max_upload_mb = models.PositiveSmallIntegerField(
        _("dung lượng tệp tối đa (MB)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    opens_at = models.DateTimeField(_("bắt đầu nhận bài"))
    unit_deadline = models.DateTimeField(
        _("hạn nộp bài về đơn vị"), help_text=_("Ví dụ: 17 giờ 00 ngày 06/9/2019.")
    )
    city_deadline = models.DateTimeField(
        _("hạn đơn vị gửi bài về Ban Tổ chức thành phố"),
        help_text=_("Ví dụ: 17 giờ 00 ngày 16/9/2019."),
    )
    forward_top_n = models.PositiveIntegerField(
        _("số bài xuất sắc mỗi đơn vị gửi lên thành phố"), default=100
    )
    third_mark_gap = models.DecimalField(
        _("chấm lần ba khi hai giám khảo lệch nhau quá (điểm)"),
        max_digits=6,
        decimal_places=2,
        default=10,
    )
    mc_weight = models.PositiveSmallIntegerField(
        _("trọng số điểm trắc nghiệm (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("0: giải chỉ xét điểm tự luận chung khảo."),
    )

    class Meta:
        verbose_name = _("phần thi tự luận")
        verbose_name_plural = pgettext_lazy("plural", "phần thi tự luận")
        ordering = ["contest", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_deadline__gt=models.F("opens_at"))
                & Q(city_deadline__gte=models.F("unit_deadline")),
                name="essay_task_deadlines_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """A line of the rubric: what is marked, its weight, its maximum."""

    task = models.ForeignKey(EssayTask, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tiêu chí"), max_length=200)
    description = models.TextField(_("hướng dẫn chấm"), blank=True)
    max_marks = models.PositiveSmallIntegerField(
        _("điểm tối đa"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    weight = models.PositiveSmallIntegerField(
        _("trọng số"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("tiêu chí chấm")
        verbose_name_plural = pgettext_lazy("plural", "tiêu chí chấm")
        ordering = ["task", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    """One person's essay for a task: a draft until submitted once (server time), then never
    changed. `district` is the unit whose preliminary panel marks it (the person's district or
    department at submission); `stage` moves preliminary → final when forwarded."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        SUBMITTED = "submitted", _("Đã nộp")

    class Stage(models.TextChoices):
        PRELIMINARY = "preliminary", _("Sơ khảo")
        FINAL = "final", _("Chung khảo")

    task = models.ForeignKey(
        EssayTask,
        verbose_name=_("phần thi tự luận"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("đăng ký dự thi"),
        on_delete=models.PROTECT,
        related_name="essay_entries",
    )
    # What judges see instead of the person: random, not derived from any id.
    code = models.CharField(_("mã bài"), max_length=12, unique=True)
    text = models.TextField(_("bài viết"), blank=True)
    word_count = models.PositiveIntegerField(_("số từ"), default=0)
    # Stored through the "essays" storage (local files, or S3/MinIO in production); served
    # only by a permission-checked view, never by URL.
    file = models.FileField(
        _("tệp bài dự thi"),
        storage=essays_storage,
        upload_to=entry_file_name,
        blank=True,
        max_length=300,
    )
    file_type = models.CharField(_("loại tệp"), max_length=10, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    district = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị chấm sơ khảo"),
    )
    stage = models.CharField(
        _("vòng chấm"), max_length=12, choices=Stage.choices, default=Stage.PRELIMINARY
    )
    preliminary_mark = models.DecimalField(
        _("điểm sơ khảo"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    final_mark = models.DecimalField(
        _("điểm chung khảo"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    forwarded_at = models.DateTimeField(_("gửi lên thành phố lúc"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("sửa lúc"), auto_now=True)

    class Meta:
        verbose_name = _("bài dự thi tự luận")
        verbose_name_plural = pgettext_lazy("plural", "bài dự thi tự luận")
        constraints = [
            models.UniqueConstraint(fields=["task", "registration"], name="essay_entry_once"),
        ]
        indexes = [
            models.Index(fields=["task", "district", "stage"], name="essay_entry_district_idx"),
        ]

    def __str__(self) -> str:
        return self.code


class Judge(models.Model):
    """A judge account. `home_unit` is where the judge works or lives: they never mark an
    entry from that unit's subtree (conflict of interest)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="judge",
    )
    home_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị công tác")
    )

    class Meta:
        verbose_name = _("giám khảo")
        verbose_name_plural = pgettext_lazy("plural", "giám khảo")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class Panel(models.Model):
    """A judging panel of one level for one task: a district's preliminary panel (its unit is
    the district) or the city's final panel (its unit is the contest's owner)."""

    task = models.ForeignKey(
        EssayTask,
        verbose_name=_("phần thi tự luận"),
        on_delete=models.CASCADE,
        related_name="panels",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(_("vòng chấm"), max_length=12, choices=Entry.Stage.choices)
    name = models.CharField(_("tên ban giám khảo"), max_length=200)
    judges = models.ManyToManyField(
        Judge, blank=True, related_name="panels", verbose_name=_("giám khảo")
    )
    # Set when the panel's marks are final: a district's when its best are forwarded to the
    # city, the city's when the organiser closes the final marking. No change after that.
    closed_at = models.DateTimeField(_("chốt điểm lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("ban giám khảo")
        verbose_name_plural = pgettext_lazy("plural", "ban giám khảo")
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "stage"], name="panel_once_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """An entry given to a judge to mark at one stage (the first, second, or a third judge
    when the first two differ by more than the task's gap). `total` is set when marked."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("bài dự thi"), on_delete=models.CASCADE, related_name="assignments"
    )
    panel = models.ForeignKey(
        Panel, verbose_name=_("ban giám khảo"), on_delete=models.CASCADE, related_name="assignments"
    )
    judge = models.ForeignKey(
        Judge, verbose_name=_("giám khảo"), on_delete=models.PROTECT, related_name="assignments"
    )
    stage = models.CharField(
        verbose_name=_("vòng chấm"), max_length=12, choices=Entry.Stage.choices
    )
    turn = models.PositiveSmallIntegerField(_("lượt chấm"), default=1)
    assigned_at = models.DateTimeField(verbose_name=_("phân công lúc"), auto_now_add=True)
    marked_at = models.DateTimeField(_("chấm xong lúc"), null=True, blank=True)
    total = models.DecimalField(
        _("tổng điểm"), max_digits=7, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("phân công chấm")
        verbose_name_plural = pgettext_lazy("plural", "phân công chấm")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "judge", "stage"], name="assignment_one_judge_once"
            ),
        ]
        indexes = [
            models.Index(fields=["judge", "marked_at"], name="assignment_judge_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.judge_id} ({self.stage} #{self.turn})"


class Mark(models.Model):
    """A judge's marks on one criterion of one entry, with a comment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="marks")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    marks = models.DecimalField(_("điểm"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("nhận xét"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("điểm theo tiêu chí")
        verbose_name_plural = pgettext_lazy("plural", "điểm theo tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="mark_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}/{self.criterion_id}: {self.marks}"
