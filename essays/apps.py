from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EssaysConfig(AppConfig):
    name = "essays"
    verbose_name = _("Bài dự thi tự luận")
    default_auto_field = "django.db.models.BigAutoField"
    # What the organiser role manages in its subtree (contests.services.units.roles_ensure).
    organiser_models = ("essaytask", "criterion", "entry", "panel", "judge", "assignment")
