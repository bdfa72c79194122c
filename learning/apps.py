from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Ôn luyện và thống kê câu hỏi")
    default_auto_field = "django.db.models.BigAutoField"
    # What the organiser role manages in its subtree (contests.services.units.roles_ensure):
    # item statistics runs (viewing the statistics, asking for a recompute); practice and
    # review attempts (read only in admin: learning/admin.py).
    organiser_models = ("itemstatsrun", "practiceattempt")
