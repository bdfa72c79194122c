from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Người dự thi")

    def ready(self):
        # Contests shows excluded people's numbers in full only when this log records it.
        from contests.masking import identity_audit_register
        from participants.masking import personal_data_access_log

        identity_audit_register(personal_data_access_log)
