"""Admin for announcements: organisers of the contest's owner subtree post, correct and archive
the contest's notices (contests.services.announcements, each audited in ContestChange). A
district taking part in a city contest sees none of the city's announcements here: they are
the city's to write. Never deleted: archived."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contests.admin_scoping import ScopedModelAdmin
from contests.forms import VnDateTimeField
from contests.models import Announcement
from contests.rich_text import rich_text_clean
from contests.selectors import contests_owned_by
from contests.services.announcements import (
    announcement_archive,
    announcement_post,
    announcement_update,
)
from contests.widgets import RichTextEditor


class AnnouncementAdminForm(forms.ModelForm):
    published_at = VnDateTimeField(
        label=_("đăng lúc"),
        help_text=_("Thông báo hiện trên trang cuộc thi từ thời điểm này."),
    )

    class Meta:
        model = Announcement
        fields = ["contest", "kind", "title", "body", "published_at"]
        widgets = {"body": RichTextEditor()}

    def clean_body(self):
        body = rich_text_clean(self.cleaned_data.get("body") or "")
        if not body:
            raise ValidationError(_("Vui lòng nhập nội dung thông báo."))
        return body


@admin.register(Announcement)
class AnnouncementAdmin(ScopedModelAdmin):
    unit_path_field = "contest__owner_unit__path"
    form = AnnouncementAdminForm
    list_display = ["title", "contest", "kind", "published_at", "archived_at"]
    list_filter = ["kind", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["title"]
    readonly_fields = ["created_by", "archived_at"]
    actions = ["archive_selected", "unarchive_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("contest", "created_by")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("contest")  # a notice stays with the contest it was posted in
        return fields

    def get_fields(self, request, obj=None):
        fields = ["contest", "kind", "title", "body", "published_at"]
        return [*fields, "created_by", "archived_at"] if obj is not None else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "contest":
            # Owned contests only: not the city contests a district merely takes part in.
            kwargs["queryset"] = contests_owned_by(user=request.user).order_by("-opens_at")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {"kind": data["kind"], "title": data["title"], "body": data["body"]}
        if change:
            saved = announcement_update(
                announcement=obj,
                user=request.user,
                published_at=data["published_at"],
                **fields,
            )
        else:
            saved = announcement_post(
                contest=data["contest"],
                user=request.user,
                published_at=data["published_at"],
                **fields,
            )
        # The admin goes on with `obj` (its redirect, its history entry).
        obj.pk, obj.created_by_id, obj.archived_at = (
            saved.pk,
            saved.created_by_id,
            saved.archived_at,
        )

    def _archive(self, request, queryset, *, archive: bool) -> None:
        changed = sum(
            announcement_archive(announcement=a, user=request.user, archive=archive)
            for a in queryset
        )
        text = (
            ngettext("Đã lưu trữ %(n)d thông báo.", "Đã lưu trữ %(n)d thông báo.", changed)
            if archive
            else ngettext(
                "Đã đưa %(n)d thông báo trở lại.", "Đã đưa %(n)d thông báo trở lại.", changed
            )
        )
        self.message_user(request, text % {"n": changed}, messages.SUCCESS)

    @admin.action(description=_("Lưu trữ các thông báo đã chọn"))
    def archive_selected(self, request, queryset):
        self._archive(request, queryset, archive=True)

    @admin.action(description=_("Bỏ lưu trữ các thông báo đã chọn"))
    def unarchive_selected(self, request, queryset):
        self._archive(request, queryset, archive=False)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
