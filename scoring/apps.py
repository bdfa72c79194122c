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
        "examsession",
    )

    def ready(self):
        # A person's attempts and certificates in their data download, and the certificate's
        # copy of their name erased with their account (participants.accounts).
        from participants.accounts.selectors import personal_data_section_register
        from participants.accounts.services import anonymiser_register
        from scoring import personal_data

        personal_data_section_register(personal_data.attempts_section)
        personal_data_section_register(personal_data.certificates_section)
        anonymiser_register(personal_data.certificates_anonymise)
