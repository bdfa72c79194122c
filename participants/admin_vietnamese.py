"""Admins of Django's and django-axes' own models, in Vietnamese where their authors left
English: permissions listed by what they allow ("Cuộc thi | câu hỏi | Sửa câu hỏi", not the
"Can change question" Django stores), and axes' computed columns named. Registered again here
(participants owns the accounts); behaviour is the authors' own."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _

from participants.rules.permission_label import permission_label


def permission_text(permission) -> str:
    content_type = permission.content_type
    model = content_type.model_class()
    model_text = str(model._meta.verbose_name) if model else content_type.model
    try:
        app_text = str(apps.get_app_config(content_type.app_label).verbose_name)
    except LookupError:
        app_text = content_type.app_label
    return permission_label(
        codename=permission.codename, name=permission.name, app_text=app_text, model_text=model_text
    )


class PermissionLabelsMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_text
        return field


class VietnameseUserAdmin(PermissionLabelsMixin, UserAdmin):
    pass


class VietnameseGroupAdmin(PermissionLabelsMixin, GroupAdmin):
    pass


class VietnameseAccessAttemptAdmin(AccessAttemptAdmin):
    @admin.display(description=_("hết hạn lúc"))
    def expiration(self, obj):
        return super().expiration(obj)

    @admin.display(description=_("trạng thái"))
    def status(self, obj):
        return super().status(obj)


for model, model_admin in (
    (User, VietnameseUserAdmin),
    (Group, VietnameseGroupAdmin),
    (AccessAttempt, VietnameseAccessAttemptAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
