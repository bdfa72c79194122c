"""Forms of the account pages: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from participants import identity

MSG_LOGIN_SHAPE = _(
    "Hãy nhập số điện thoại di động (ví dụ 0912 345 678) hoặc số giấy tờ (CCCD 12 chữ số, "
    "hộ chiếu) của tài khoản."
)
MSG_CODE_SHAPE = _("Mã gồm 6 chữ số, trong tin nhắn bạn nhận được.")
MSG_PASSWORDS_DIFFER = _("Hai mật khẩu không giống nhau.")


class RecoveryRequestForm(forms.Form):
    login = forms.CharField(
        label=_("Số điện thoại hoặc số giấy tờ"),
        max_length=64,
        error_messages={"required": _("Vui lòng nhập số điện thoại hoặc số giấy tờ.")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "text"}),
    )

    def clean_login(self):
        """The canonical phone (E.164) or document number; anything else is refused here,
        the same way whether or not an account exists."""
        key = identity.login_key(self.cleaned_data["login"])
        if key.startswith("+84"):
            return key
        number = identity.strip_separators(key).upper()
        if number.isascii() and number.isalnum() and 5 <= len(number) <= 20:
            return number
        raise ValidationError(MSG_LOGIN_SHAPE)


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Vui lòng nhập mật khẩu mới.")},
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Vui lòng nhập lại mật khẩu mới.")},
    )

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two:
            if one != two:
                self.add_error("password2", MSG_PASSWORDS_DIFFER)
            else:
                # Without the user: the rules (and so the messages) must be the same for a
                # number that has no account, or they would tell it apart.
                try:
                    validate_password(one)
                except ValidationError as exc:
                    self.add_error("password1", exc)
        return cleaned


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Mã 6 chữ số"),
            max_length=12,
            error_messages={"required": _("Vui lòng nhập mã 6 chữ số.")},
            widget=forms.TextInput(
                attrs={
                    "autocomplete": "one-time-code",
                    "inputmode": "numeric",
                    "pattern": "[0-9 ]*",
                }
            ),
            **kwargs,
        )

    def clean(self, value):
        value = "".join(str(super().clean(value)).split())
        if not (value.isascii() and value.isdigit() and len(value) == 6):
            raise ValidationError(MSG_CODE_SHAPE)
        return value


class RecoveryCompleteForm(NewPasswordMixin):
    code = CodeField()
    field_order = ["code", "password1", "password2"]


class NewPasswordForm(NewPasswordMixin):
    pass


class PhoneChangeForm(forms.Form):
    phone = forms.CharField(
        label=_("Số điện thoại mới"),
        max_length=32,
        error_messages={"required": _("Vui lòng nhập số điện thoại mới.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu hiện tại"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Vui lòng nhập mật khẩu hiện tại.")},
    )


class CodeForm(forms.Form):
    code = CodeField()


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Mật khẩu hiện tại"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Vui lòng nhập mật khẩu hiện tại.")},
    )
    confirm = forms.BooleanField(
        label=_("Tôi hiểu việc xoá tài khoản không thể hoàn tác."),
        error_messages={"required": _("Vui lòng đánh dấu xác nhận.")},
    )


class AssistedResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do (ví dụ: người dự thi gọi điện, đã xác minh qua số CCCD)"),
        max_length=300,
        error_messages={"required": _("Vui lòng ghi lý do cấp lại mật khẩu.")},
    )
    send_sms = forms.BooleanField(
        label=_("Gửi liên kết bằng tin nhắn đến số điện thoại của người dự thi"),
        required=False,
    )
