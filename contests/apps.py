from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Cuộc thi")
    # What the organiser role manages in its subtree (contests.services.units.roles_ensure).
    organiser_models = (
        "unit",
        "contest",
        "milestone",
        "round",
        "excludedperson",
        "topic",
        "question",
        "option",
        "blueprintitem",
        "prizestructure",
        "prizetier",
        "category",
        "announcement",
        "unittarget",
    )
