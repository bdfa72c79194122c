from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo")
    # What the organiser role manages in its subtree (contests.services.units.roles_ensure):
    # the official board, read only in the admin, with its correction action.
    organiser_models = ("boardsnapshot",)
