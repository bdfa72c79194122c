"""Forms for organisers (admin) and the question bank upload.

Times: a contest plan says "đến 24 giờ ngày 1/9/2023". `VnDateTimeField` takes a date
(dd/mm/yyyy) and a time (HH:MM, where 24:00 is accepted and means 00:00 of the next day) in
Asia/Ho_Chi_Minh; with `midnight_as_24=True` (close times) a stored midnight is shown again as
24:00 of the day before, so the organiser sees what they typed."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from contests.dates import contest_date_problem
from contests.models import Contest, Question, Round
from contests.rich_text import RICH_TEXT_FIELDS, rich_text_clean
from contests.slugs import unique_slug, vn_slugify
from contests.tie_break_field import TieBreakChainField, default_chain_text
from contests.widgets import RichTextEditor

_TIME_RE = re.compile(r"^\s*(\d{1,2})\s*(?:[:hg]|giờ)?\s*(\d{2})?\s*(?:phút)?\s*$", re.IGNORECASE)
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_vn_date(value: str) -> datetime.date | None:
    value = (value or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007  a date only
        except ValueError:
            continue
    return None


def parse_vn_clock(value: str) -> tuple[int, int] | None:
    """ "24:00", "24", "24 giờ", "17h30", "8:05" → (hour, minute); 24 only with 00 minutes."""
    match = _TIME_RE.match(value or "")
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if minute > 59 or hour > 24 or (hour == 24 and minute != 0):
        return None
    return hour, minute


def vn_datetime_combine(date: datetime.date, hour: int, minute: int) -> datetime.datetime:
    """The aware datetime for a date and a clock time in the current time zone; hour 24 is
    00:00 of the next day ("24 giờ ngày 1/9/2023" → 2023-09-02 00:00+07:00)."""
    if hour == 24:
        date, hour = date + datetime.timedelta(days=1), 0
    naive = datetime.datetime.combine(date, datetime.time(hour, minute))
    return timezone.make_aware(naive, timezone.get_current_timezone())


class VnDateTimeWidget(forms.MultiWidget):
    def __init__(self, *, midnight_as_24: bool = False, attrs=None):
        self.midnight_as_24 = midnight_as_24
        widgets = [
            forms.TextInput(
                attrs={"placeholder": "dd/mm/yyyy", "size": 10, "inputmode": "numeric"}
            ),
            forms.TextInput(
                attrs={"placeholder": "24:00" if midnight_as_24 else "00:00", "size": 5}
            ),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if not value:
            return [None, None]
        if isinstance(value, str):
            return [value, None]
        local = timezone.localtime(value)
        if self.midnight_as_24 and (local.hour, local.minute, local.second) == (0, 0, 0):
            day = local.date() - datetime.timedelta(days=1)
            return [day.strftime("%d/%m/%Y"), "24:00"]
        return [local.strftime("%d/%m/%Y"), local.strftime("%H:%M")]


class VnDateTimeField(forms.MultiValueField):
    """A date and a clock time; 24:00 accepted (see the module docstring)."""

    default_error_messages = {
        "invalid_date": _("Ngày không hợp lệ: ghi theo dạng ngày/tháng/năm, ví dụ 01/09/2023."),
        "invalid_time": _("Giờ không hợp lệ: ghi theo dạng giờ:phút từ 00:00 đến 24:00."),
        "incomplete": _("Hãy nhập cả ngày và giờ."),
        "required": _("Hãy nhập cả ngày và giờ."),
    }

    def __init__(self, *, midnight_as_24: bool = False, **kwargs):
        fields = (forms.CharField(), forms.CharField())
        kwargs.setdefault("widget", VnDateTimeWidget(midnight_as_24=midnight_as_24))
        kwargs.pop("max_length", None)
        super().__init__(fields, require_all_fields=True, **kwargs)
        self.midnight_as_24 = midnight_as_24

    def compress(self, data_list):
        if not data_list:
            return None
        date_text, time_text = data_list
        date = parse_vn_date(date_text)
        if date is None:
            raise ValidationError(self.error_messages["invalid_date"], code="invalid_date")
        # The typed date, before 24:00 moves it to the next day: "24:00 on 31/12/2099" is in
        # range, and 01/01/0001 never reaches the database (a BC timestamp there broke every
        # page that listed the contest).
        problem = contest_date_problem(date)
        if problem:
            raise ValidationError(problem, code="date_out_of_range")
        clock = parse_vn_clock(time_text)
        if clock is None:
            raise ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        return vn_datetime_combine(date, *clock)


def _keep_seconds(form: forms.ModelForm, cleaned: dict, names: tuple[str, ...]) -> None:
    """The widget shows minutes only: a stored time with seconds that the organiser did not
    change stays exactly as stored (no spurious change, no spurious audit row)."""
    for name in names:
        old, new = getattr(form.instance, name, None), cleaned.get(name)
        if old and new and old.replace(second=0, microsecond=0) == new:
            cleaned[name] = old


class ContestAdminForm(forms.ModelForm):
    opens_at = VnDateTimeField(label=_("thời gian bắt đầu"))
    tie_break_chain = TieBreakChainField(
        label=_("thứ tự xét xếp hạng"),
        help_text=format_lazy(
            "{} {}",
            _(
                "Người hơn ở tiêu chí thứ nhất xếp trên; bằng nhau thì xét tiêu chí tiếp theo. "
                "Để trống tất cả: theo thứ tự mặc định:"
            ),
            lazy(default_chain_text, str)(),
        ),
    )
    closes_at = VnDateTimeField(
        label=_("thời gian kết thúc"),
        midnight_as_24=True,
        help_text=_(
            "Ghi như trong kế hoạch: “24 giờ ngày 1/9/2023” là ngày 01/09/2023, giờ 24:00 "
            "(lưu là 00:00 ngày 02/09/2023)."
        ),
    )

    class Meta:
        model = Contest
        fields = [
            "owner_unit",
            "title",
            "slug",
            "summary",
            "purpose",
            "requirements",
            "rules",
            "opens_at",
            "closes_at",
            "participation_root",
            "min_age",
            "age_reference_date",
            "allow_citizens",
            "allow_foreigners",
            "eligibility_note",
            "attempts_allowed",
            "time_limit_minutes",
            "shuffle_options",
            "review_content",
            "review_timing",
            "prediction_text",
            "prediction_target",
            "prediction_actual",
            "collective_rule",
            "winner_may_take_unit_prize",
            "tie_break_chain",
            "cumulative_rule",
            "retention_days",
        ]
        widgets = {name: RichTextEditor() for name in RICH_TEXT_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left blank, the slug is made from the title on the server (clean_slug): Django's
        # prepopulate script drops Vietnamese letters ("hiểu" → "hiu"). (Not in a read-only
        # view of the page.)
        slug = self.fields.get("slug")
        if slug is not None:
            slug.required = False
            slug.help_text = _(
                "Để trống thì tạo tự động từ tên cuộc thi (chữ không dấu, nối bằng dấu gạch ngang)."
            )

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        title = self.cleaned_data.get("title")
        if slug or not title:  # no title: its own error says so
            return slug
        base = vn_slugify(title, max_length=Contest._meta.get_field("slug").max_length)
        if not base:
            raise ValidationError(
                _(
                    "Không tạo được đường dẫn từ tên cuộc thi: hãy nhập đường dẫn (chữ không "
                    "dấu, chữ số, dấu gạch ngang)."
                )
            )
        others = Contest.objects.exclude(pk=self.instance.pk)
        return unique_slug(
            base,
            taken=lambda candidate: others.filter(slug=candidate).exists(),
            max_length=Contest._meta.get_field("slug").max_length,
        )

    def clean(self):
        cleaned = super().clean()
        for name in RICH_TEXT_FIELDS:
            if name in cleaned:
                cleaned[name] = rich_text_clean(cleaned[name] or "")
        _keep_seconds(self, cleaned, ("opens_at", "closes_at"))
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("Thời gian kết thúc phải sau thời gian bắt đầu."))
        return cleaned


class RoundAdminForm(forms.ModelForm):
    opens_at = VnDateTimeField(label=_("bắt đầu"))
    closes_at = VnDateTimeField(label=_("kết thúc"), midnight_as_24=True)

    class Meta:
        model = Round
        fields = ["number", "title", "opens_at", "closes_at", "attempts_allowed"]

    def clean(self):
        cleaned = super().clean()
        _keep_seconds(self, cleaned, ("opens_at", "closes_at"))
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("Thời gian kết thúc phải sau thời gian bắt đầu."))
        return cleaned


class OptionInlineFormSet(forms.BaseInlineFormSet):
    """2 to 6 options, exactly one of them correct."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            f
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("text")
        ]
        if len(kept) < 2:
            raise ValidationError(_("Câu hỏi cần ít nhất 2 phương án."))
        if len(kept) > 6:
            raise ValidationError(_("Câu hỏi có tối đa 6 phương án."))
        correct = sum(1 for f in kept if f.cleaned_data.get("is_correct"))
        if correct == 0:
            raise ValidationError(_("Hãy đánh dấu một phương án đúng."))
        if correct > 1:
            raise ValidationError(_("Chỉ được đánh dấu một phương án đúng."))


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["contest", "topic", "text", "difficulty", "explanation", "legal_reference"]
        fields += ["is_active", "pool"]
        # The question stays plain text (Excel, the exam page); its explanation is rich text.
        widgets = {"explanation": RichTextEditor()}
        # Practice shows the key right after a practice test (learning.rules.practice).
        help_texts = {
            "pool": _(
                "“Chỉ thi thử” và “Thi chính thức và thi thử”: đáp án, giải thích và căn cứ "
                "pháp lý của câu hỏi được hiện ngay sau mỗi lần thi thử, trước khi cuộc thi kết "
                "thúc."
            )
        }

    def clean_explanation(self):
        value = rich_text_clean(self.cleaned_data.get("explanation") or "")
        stored = self.instance.explanation if self.instance.pk else ""
        # Saved without a change, a stored explanation (plain text from an Excel import)
        # stays as it was: markup alone must not make a used question a new version.
        if stored and rich_text_clean(stored) == value:
            return stored
        return value

    def clean(self):
        cleaned = super().clean()
        contest, topic = cleaned.get("contest"), cleaned.get("topic")
        if contest and topic and topic.contest_id != contest.pk:
            self.add_error("topic", _("Chủ đề này thuộc cuộc thi khác."))
        return cleaned


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        help_text=_("Theo đúng mẫu; tối đa 10 MB. Không có câu nào được ghi nếu còn dòng lỗi."),
    )
