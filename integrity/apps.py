from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "integrity"
    verbose_name = _("Dấu hiệu bất thường")
    default_auto_field = "django.db.models.BigAutoField"
    # What the organiser role manages in its subtree (contests.services.units.roles_ensure).
    organiser_models = ("anomalyflag",)
