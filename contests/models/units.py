from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node

# Unit codes travel in URLs and query strings (`?unit=`) and in spreadsheets: ASCII letters,
# digits and - _ . only, so that a code never needs escaping and is never a look-alike of
# another ("²", "١" passed for codes, and `int()` reads "١" as 1).
unit_code_validator = RegexValidator(
    r"\A[A-Za-z0-9][A-Za-z0-9._-]*\Z",
    message=_("Mã đơn vị chỉ gồm chữ cái không dấu, chữ số và các dấu - _ . (không dấu cách)."),
    code="unit_code",
)


class Unit(MP_Node):
    """A node of the organisation tree: city/province, block, district, ward/commune,
    department, school, company... of any depth.

    Materialised path (django-treebeard's MP_Node): the subtree of a unit is one indexed
    `path LIKE 'prefix%'` query and its ancestors one `path IN (...)` query, with no recursion
    in Python and no recursive CTE that SQLite and PostgreSQL would write differently."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/Thành phố")
        BLOCK = "block", _("Khối")
        DISTRICT = "district", _("Quận/Huyện/Thị xã")
        WARD = "ward", _("Phường/Xã/Thị trấn")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        SCHOOL = "school", _("Trường học")
        COMPANY = "company", _("Doanh nghiệp")
        OTHER = "other", _("Đơn vị khác")

    # 255 levels of 4 characters: far deeper than any real tree.
    steplen = 4
    path = models.CharField(max_length=1020, unique=True)
    code = models.CharField(
        _("mã đơn vị"), max_length=40, unique=True, validators=[unit_code_validator]
    )
    name = models.CharField(_("tên đơn vị"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    headcount = models.PositiveIntegerField(
        _("số người (biên chế/dân số)"),
        null=True,
        blank=True,
        help_text=_("Dùng để tính tỷ lệ tham gia."),
    )

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = pgettext_lazy("plural", "đơn vị")
        indexes = [models.Index(fields=["kind", "depth"])]

    def __str__(self) -> str:
        return self.name


class Organiser(models.Model):
    """A staff account attached to one unit: it sees and changes only that unit's subtree."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="organiser",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="organisers"
    )

    class Meta:
        verbose_name = _("cán bộ tổ chức")
        verbose_name_plural = pgettext_lazy("plural", "cán bộ tổ chức")

    def __str__(self) -> str:
        return f"{self.user} — {self.unit}"


class UnitTarget(models.Model):
    """A unit's participation target in one contest (chỉ tiêu, seed 002): a number of people,
    or a share of the unit's headcount. What counts towards it and how progress is read is
    one rule (reports.rules.targets)."""

    contest = models.ForeignKey(
        "contests.Contest",
        verbose_name=_("cuộc thi"),
        on_delete=models.CASCADE,
        related_name="unit_targets",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="targets"
    )
    people = models.PositiveIntegerField(_("chỉ tiêu (người)"), null=True, blank=True)
    percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("chỉ tiêu (% số người của đơn vị)"),
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("chỉ tiêu tham gia")
        verbose_name_plural = pgettext_lazy("plural", "chỉ tiêu tham gia")
        constraints = [
            models.UniqueConstraint(fields=["contest", "unit"], name="unit_target_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(people__isnull=False, percent__isnull=True)
                    | models.Q(people__isnull=True, percent__isnull=False)
                ),
                name="unit_target_people_or_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(percent__isnull=True) | models.Q(percent__lte=100),
                name="unit_target_percent_le_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.people if self.people is not None else f'{self.percent}%'}"
