"""The essay form of the citizen's page. Only the shape of the input is checked here; what
may be stored (deadlines, answer mode, word limit, file content) is decided by
essays.services.entries and essays.uploads."""

from django import forms
from django.utils.translation import gettext_lazy as _

from essays.rules.words import TEXT_MAX_CHARS


class EntryForm(forms.Form):
    SAVE, SUBMIT = "save", "submit"

    text = forms.CharField(
        label=_("Bài viết"),
        required=False,
        strip=False,
        # The rule's own cap decides with a clear message; this only stops absurd posts.
        max_length=TEXT_MAX_CHARS * 2,
        widget=forms.Textarea(attrs={"rows": 16, "class": "form-control essay-text"}),
    )
    remove_file = forms.BooleanField(
        label=_("Bỏ tệp đã tải lên"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    confirm = forms.BooleanField(
        label=_("Tôi đã đọc lại bài và nộp chính thức (sau khi nộp không sửa được)."),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    action = forms.ChoiceField(
        choices=[(SAVE, SAVE), (SUBMIT, SUBMIT)],
        error_messages={
            "invalid_choice": _("Thao tác không hợp lệ."),
            "required": _("Thao tác không hợp lệ."),
        },
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == self.SUBMIT and not data.get("confirm"):
            self.add_error("confirm", _("Hãy đánh dấu xác nhận trước khi nộp bài."))
        return data
