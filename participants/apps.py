from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Người dự thi")
    # What the organiser role manages in its subtree (contests.services.units.roles_ensure).
    organiser_models = ("participant", "registration", "rosterentry")

    def ready(self):
        # Every app (contests' excluded people too) shows numbers in full only to holders of
        # this permission, and only when this log records it.
        from contests.masking import identity_audit_register
        from participants.masking import FULL_IDENTITY_PERMISSION
        from participants.services import personal_data_access_log

        identity_audit_register(
            writer=personal_data_access_log, permission=FULL_IDENTITY_PERMISSION
        )

        # The header's "Chấm thi" and the judge's landing page: the judge role, read once.
        from django.contrib.auth.signals import user_logged_in

        from participants.landing import remember_roles

        user_logged_in.connect(remember_roles, dispatch_uid="participants_remember_roles")
