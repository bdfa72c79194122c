from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .contests import Contest
from .units import Unit


class Category(models.Model):
    """A group of participants a contest ranks and awards apart (e.g. cán bộ, công chức, viên
    chức / học sinh, sinh viên / người dân). A person's category is derived from the block of
    their unit when exactly one category lists that block, otherwise chosen at join
    (participants.rules.category)."""

    contest = models.ForeignKey(
        Contest,
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name=_("cuộc thi"),
    )
    name = models.CharField(_("tên đối tượng"), max_length=150)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    blocks = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="+",
        verbose_name=_("khối đơn vị thuộc đối tượng này"),
        help_text=_(
            "Người dự thi thuộc các khối này được xếp vào đối tượng này; người khác tự chọn "
            "khi tham gia cuộc thi."
        ),
    )

    class Meta:
        verbose_name = _("đối tượng dự thi")
        verbose_name_plural = pgettext_lazy("plural", "đối tượng dự thi")
        ordering = ["contest", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "name"], name="category_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
