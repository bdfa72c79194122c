from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contests.models import Contest, Round
from participants.models import Registration

from .fields import DateListField, IntegerListField


class Attempt(models.Model):
    """One sitting of the test.

    The drawn test is stored on the row itself (`items`: question version ids with their
    option order), and so are the answers (`answers`: {question id: option id}). One row per
    attempt keeps a start to one INSERT and an autosave to one UPDATE of one row, at millions
    of attempts. Status moves open → submitted → graded by conditional UPDATEs only."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang làm bài")
        SUBMITTED = "submitted", _("Đã nộp bài")
        GRADED = "graded", _("Đã chấm")

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("đăng ký dự thi"),
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    # Denormalised from the registration for the figures' and sweepers' indexes. No index of
    # its own: attempt_graded_idx and the roll-up index start with it, and every index costs
    # an entry on each submit (the status change is never a HOT update).
    contest = models.ForeignKey(
        Contest,
        verbose_name=_("cuộc thi"),
        on_delete=models.PROTECT,
        related_name="attempts",
        db_index=False,
    )
    round = models.ForeignKey(
        Round,
        verbose_name=_("vòng thi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attempts",
    )
    number = models.PositiveSmallIntegerField(_("lần thi"))
    status = models.CharField(
        verbose_name=_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # [{"q": question_id, "o": [option ids in display order]}, ...] in display order.
    items = models.JSONField(verbose_name=_("câu hỏi đã rút"))
    answers = models.JSONField(verbose_name=_("câu trả lời"), default=dict)
    prediction = models.BigIntegerField(_("dự đoán"), null=True, blank=True)
    # The sequence number of the last autosave batch applied (the page numbers its batches):
    # a batch that arrives after a newer one is not applied over it (docs/exam.md, autosave).
    autosave_seq = models.PositiveIntegerField(default=0, editable=False)
    # A keyed hash of the address and device that started the attempt (never the address
    # itself): evidence for the integrity app's anomaly flags ("one address, same answers").
    client_key = models.CharField(max_length=16, blank=True, default="", editable=False)
    started_at = models.DateTimeField(verbose_name=_("bắt đầu lúc"))
    deadline = models.DateTimeField(verbose_name=_("hạn nộp bài"))
    # Time the participant finished: submit time capped at the deadline, or the deadline for
    # an attempt closed by the sweeper.
    finished_at = models.DateTimeField(verbose_name=_("kết thúc lúc"), null=True, blank=True)
    # Wall-clock time the row left "open" (the submit request, or the sweeper's run): the
    # requeue sweeper's clock, since finished_at is capped at the deadline.
    submitted_at = models.DateTimeField(verbose_name=_("gửi bài lúc"), null=True, blank=True)
    # Grading output.
    correct_count = models.PositiveSmallIntegerField(
        verbose_name=_("số câu đúng"), null=True, blank=True
    )
    question_count = models.PositiveSmallIntegerField(verbose_name=_("số câu hỏi"))
    score = models.DecimalField(
        verbose_name=_("điểm"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    duration_ms = models.PositiveIntegerField(
        verbose_name=_("thời gian làm bài (mili giây)"), null=True, blank=True
    )
    all_correct = models.BooleanField(verbose_name=_("đúng tất cả"), default=False)
    graded_at = models.DateTimeField(verbose_name=_("chấm lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("bài thi")
        verbose_name_plural = pgettext_lazy("plural", "bài thi")
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(status="open"),
                name="attempt_one_open_per_registration",
            ),
            # Two partial constraints rather than nulls_distinct, which SQLite lacks.
            models.UniqueConstraint(
                fields=["registration", "number"],
                condition=Q(round__isnull=True),
                name="attempt_number_unique",
            ),
            models.UniqueConstraint(
                fields=["registration", "round", "number"],
                condition=Q(round__isnull=False),
                name="attempt_round_number_unique",
            ),
        ]
        indexes = [
            # Sweepers: open attempts by deadline; submitted-but-ungraded by finish time.
            models.Index(fields=["deadline"], condition=Q(status="open"), name="attempt_open_idx"),
            models.Index(
                fields=["submitted_at"],
                condition=Q(status="submitted"),
                name="attempt_ungraded_idx",
            ),
            # Roll-ups pull what was graded since their last run.
            models.Index(fields=["contest", "graded_at"], name="attempt_graded_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}#{self.number}"


class Result(models.Model):
    """A participant's best attempt in a contest (round empty) or a round: recomputed from the
    attempts each time one of them is graded, never incremented.

    It also summarises all the person's graded attempts in that scope (the contest level
    counts every attempt, a round's row that round's), so that the report roll-ups count 1.5
    million result rows instead of 7.5 million attempts: how many, how many with every answer
    correct, and per local day (Asia/Ho_Chi_Minh date of `finished_at`) the same two counts,
    as parallel lists sorted by day (the first day is the day of the first graded attempt)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="results")
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="results")
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.CASCADE)
    best_attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="+")
    correct_count = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=6, decimal_places=2)
    duration_ms = models.PositiveIntegerField()
    finished_at = models.DateTimeField()
    prediction = models.BigIntegerField(null=True, blank=True)
    prediction_error = models.BigIntegerField(null=True, blank=True)
    graded_attempts = models.PositiveIntegerField(default=0)
    perfect_attempts = models.PositiveIntegerField(default=0)
    # Contest-level rows of a contest with rounds (0 / null elsewhere), for the cumulative
    # ranking (contests.rules.tie_breaks.CumulativeRule): the sum of each round's best correct
    # count, and how many rounds had an attempt with every answer right.
    rounds_correct_total = models.PositiveIntegerField(default=0)
    perfect_rounds = models.PositiveSmallIntegerField(default=0)
    # The scope's first start (the earliest started_at of its graded attempts): the
    # "earliest_start" tie-break.
    first_started_at = models.DateTimeField(null=True, blank=True)
    days = DateListField()
    day_attempts = IntegerListField()
    day_perfect_attempts = IntegerListField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kết quả")
        verbose_name_plural = pgettext_lazy("plural", "kết quả")
        constraints = [
            models.UniqueConstraint(
                fields=["registration"], condition=Q(round__isnull=True), name="result_unique"
            ),
            models.UniqueConstraint(
                fields=["registration", "round"],
                condition=Q(round__isnull=False),
                name="result_round_unique",
            ),
        ]
        indexes = [models.Index(fields=["contest", "round", "-correct_count"])]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.correct_count}"
