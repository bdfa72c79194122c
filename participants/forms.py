"""Forms parse and present; the identity rules live in participants.services / identity."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contests.dates import birth_date_problem
from contests.models import Unit
from participants import identity
from participants.models import DocumentType, Gender
from participants.selectors import MAX_CASCADE_DEPTH, unit_ancestors_below, unit_chain

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]


def _required(message):
    return {"required": message}


class IdentityFieldsMixin(forms.Form):
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        error_messages=_required(_("Vui lòng nhập họ và tên.")),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        input_formats=DATE_FORMATS,
        error_messages={
            "required": _("Vui lòng nhập ngày sinh."),
            "invalid": _("Ngày sinh không hợp lệ (ví dụ 17/05/1990)."),
        },
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    gender = forms.ChoiceField(
        label=_("Giới tính"),
        choices=Gender.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Vui lòng chọn giới tính."),
            "invalid_choice": _("Vui lòng chọn giới tính."),
        },
    )
    document_type = forms.ChoiceField(
        label=_("Loại giấy tờ"),
        choices=DocumentType.choices,
        initial=DocumentType.CCCD,
        error_messages={
            "required": _("Vui lòng chọn loại giấy tờ."),
            "invalid_choice": _("Vui lòng chọn loại giấy tờ."),
        },
    )
    document_number = forms.CharField(
        label=_("Số giấy tờ"),
        max_length=64,
        help_text=_(
            "Công dân Việt Nam: số căn cước (CCCD) 12 số. Người nước ngoài: số hộ chiếu hoặc "
            "thẻ thường trú/tạm trú."
        ),
        error_messages=_required(_("Vui lòng nhập số giấy tờ.")),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    issuing_country = forms.CharField(
        label=_("Quốc gia cấp (người nước ngoài)"),
        max_length=64,
        required=False,
        help_text=_("Mã 2 chữ cái, ví dụ KR, JP, US."),
    )
    foreign_birth_confirmed = forms.BooleanField(
        label=_("Tôi xác nhận khai sinh của tôi được đăng ký ở nước ngoài"),
        required=False,
        help_text=_("Chỉ đánh dấu khi được hỏi: khi 3 chữ số đầu của số CCCD không là mã tỉnh."),
    )

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        problem = birth_date_problem(value, today=timezone.localdate())
        if problem is not None:
            raise ValidationError(problem, code="birth_date_range")
        return value


class GuardianFieldsMixin(forms.Form):
    """A parent's or guardian's consent (asked of people under identity.GUARDIAN_AGE; the
    service decides whether it is needed and checks it)."""

    guardian_name = forms.CharField(
        label=_("Họ tên cha, mẹ hoặc người giám hộ"), max_length=150, required=False
    )
    guardian_phone = forms.CharField(
        label=_("Điện thoại của cha, mẹ hoặc người giám hộ"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    guardian_relationship = forms.CharField(
        label=_("Quan hệ với người dự thi"), max_length=50, required=False
    )
    guardian_consent = forms.BooleanField(
        label=_(
            "Tôi là cha, mẹ hoặc người giám hộ, đã đọc thông báo xử lý dữ liệu cá nhân và đồng ý "
            "cho con/người được giám hộ tạo tài khoản và tham gia cuộc thi"
        ),
        required=False,
    )


class RegisterForm(IdentityFieldsMixin, GuardianFieldsMixin):
    phone = forms.CharField(
        label=_("Số điện thoại di động (dùng để đăng nhập)"),
        max_length=64,
        error_messages=_required(_("Vui lòng nhập số điện thoại di động.")),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử (không bắt buộc)"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        max_length=128,
        error_messages=_required(_("Vui lòng nhập mật khẩu.")),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 8 ký tự, không chỉ gồm chữ số, không quá dễ đoán."),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        max_length=128,
        error_messages=_required(_("Vui lòng nhập lại mật khẩu.")),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent_data = forms.BooleanField(
        label=_("Tôi đồng ý cho Ban Tổ chức xử lý dữ liệu cá nhân của tôi theo thông báo bên trên"),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Hai mật khẩu không giống nhau."))
        return cleaned


class LoginForm(AuthenticationForm):
    """Phone (any spelling) or document number, and password. The username is canonicalised
    before authenticate(), so the brute-force counter (django-axes, per account + address)
    counts "0912 345 678" and "+84912345678" as the same account."""

    username = forms.CharField(
        label=_("Số điện thoại hoặc số giấy tờ"),
        max_length=64,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "Số điện thoại/số giấy tờ hoặc mật khẩu không đúng. Lưu ý: sau nhiều lần nhập sai "
            "liên tiếp, tài khoản sẽ tạm bị khóa đăng nhập từ địa chỉ mạng này."
        ),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = _(
            "Vui lòng nhập số điện thoại hoặc số giấy tờ."
        )
        self.fields["password"].label = _("Mật khẩu")
        self.fields["password"].error_messages["required"] = _("Vui lòng nhập mật khẩu.")

    def clean_username(self):
        return identity.login_key(self.cleaned_data["username"])


class JoinForm(GuardianFieldsMixin):
    # Asked only when the unit's block does not decide (participants.rules.category): the
    # view calls `ask_category` with the choices, or removes the field.
    category = forms.TypedChoiceField(
        label=_("Đối tượng dự thi"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[],
        error_messages={"invalid_choice": _("Đối tượng dự thi đã chọn không hợp lệ.")},
    )
    consent_participation = forms.BooleanField(
        label=_(
            "Tôi đồng ý tham gia cuộc thi và cho phép Ban Tổ chức xử lý dữ liệu cá nhân của tôi "
            "để tổ chức cuộc thi"
        ),
        required=False,
    )
    consent_publish = forms.BooleanField(
        label=_("Tôi đồng ý công bố họ tên và kết quả của tôi (không bắt buộc)"),
        required=False,
    )

    def ask_category(self, choices) -> None:
        """Offer `choices` (participants.rules.category.CategoryOption), or drop the question."""
        if not choices:
            del self.fields["category"]
            return
        self.fields["category"].choices = [("", _("— Chọn đối tượng —"))] + [
            (c.id, c.name) for c in choices
        ]


class ProfileForm(IdentityFieldsMixin):
    email = forms.EmailField(
        label=_("Thư điện tử (không bắt buộc)"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )

    IDENTITY = (
        "full_name",
        "date_of_birth",
        "gender",
        "document_type",
        "document_number",
        "issuing_country",
        "foreign_birth_confirmed",
    )

    def __init__(self, *args, locked: bool | frozenset = False, **kwargs):
        """`locked`: True for every identity field, or the names of those locked."""
        super().__init__(*args, **kwargs)
        for name in self.IDENTITY if locked is True else set(self.IDENTITY) & set(locked or ()):
            self.fields[name].disabled = True


class IdentityChangeForm(IdentityFieldsMixin):
    """Organiser's correction of identity fields (admin)."""

    reason = forms.CharField(
        label=_("Lý do thay đổi"),
        max_length=300,
        error_messages=_required(_("Vui lòng ghi lý do thay đổi.")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_number"].required = False
        self.fields["document_number"].help_text = _("Để trống nếu không đổi số giấy tờ.")


def apply_errors(form: forms.Form, exc: ValidationError, *, extra: dict | None = None) -> None:
    """Put a service's ValidationError on the form's fields; keys the form does not have go
    to `extra` (e.g. a unit cascade) or to the form's non-field errors."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        if field in form.fields and not form.fields[field].disabled:
            form.add_error(field, errors)
        elif extra is not None and field in extra:
            extra[field].errors.extend(e.message % (e.params or {}) for e in errors)
        else:
            form.add_error(None, errors)


LEVEL_LABEL = _("Cấp %(n)s")
LEVEL_LABEL_UNDER = _("Cấp %(n)s: đơn vị trực thuộc %(parent)s")


class UnitCascade:
    """A choice in the unit tree, one <select> per level, that works without JavaScript.

    Select i is named "<prefix>_<i>". Without JavaScript the person picks a level and presses
    "Chọn tiếp" (a submit button named "_cascade"), the page comes back with the next level;
    static/js/units.js does the same in place through the JSON endpoint of children."""

    def __init__(
        self,
        *,
        prefix: str,
        label,
        root: Unit | None,
        data=None,
        initial: Unit | None = None,
        required: bool = False,
        help_text="",
    ):
        self.prefix = prefix
        self.label = label
        self.root = root
        self.required = required
        self.help_text = help_text
        self.errors: list[str] = []
        if data is not None:
            ids = [str(data.get(f"{prefix}_{i}", "")) for i in range(MAX_CASCADE_DEPTH)]
        elif initial is not None:
            ids = [str(u.pk) for u in unit_ancestors_below(unit=initial, root=root)]
        else:
            ids = []
        self.levels, self.unit = unit_chain(root=root, selected_ids=ids)
        if not self.levels and root is not None:
            # A root with no children: the root itself is the only choice.
            self.unit = root
        # Each level its own plain label: "Cấp 2: đơn vị trực thuộc Quận A" (read after the
        # fieldset's legend); units.js writes the same for the levels it adds.
        self.level_label_template = str(LEVEL_LABEL_UNDER % {"n": "{n}", "parent": "{parent}"})
        parent_name = None
        for i, level in enumerate(self.levels):
            level["name"] = f"{prefix}_{i}"
            level["label"] = (
                LEVEL_LABEL_UNDER % {"n": i + 1, "parent": parent_name}
                if parent_name
                else LEVEL_LABEL % {"n": i + 1}
            )
            chosen = next((u for u in level["options"] if u.pk == level["selected"]), None)
            parent_name = chosen.name if chosen else None

    def validate(self) -> bool:
        if self.required and self.unit is None:
            self.errors.append(str(_("Vui lòng chọn đơn vị.")))
        return not self.errors
