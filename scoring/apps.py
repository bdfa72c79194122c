from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Bài thi và chấm điểm")
    # What the organiser role manages in its subtree (contests.services.units.roles_ensure).
    organiser_models = (
        "attempt",
        "disqualification",
        "regradejob",
        "answerkeychange",
        "resultssnapshot",
        "certificatejob",
        "certificate",
        "appeal",
    )
