"""The contest form's tie-break chain: one select per place ("1.", "2.", …), each a key of the
vocabulary (contests.rules.tie_breaks.TieBreak) or blank. The chain is the chosen keys in
order, blanks skipped; `chain_refusals` decides what may be saved; an empty chain is the
default one (said in the help text)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contests.rules.tie_breaks import DEFAULT_CHAIN, TieBreak, chain_refusals

PLACES = len(TieBreak.values)


def _choices() -> list[tuple[str, str]]:
    return [("", "—"), *TieBreak.choices]


class TieBreakChainWidget(forms.MultiWidget):
    """The selects as a numbered list, each labelled for screen readers by its place."""

    def __init__(self, attrs=None):
        super().__init__([forms.Select(choices=_choices()) for _ in range(PLACES)], attrs)

    def decompress(self, value):
        names = list(value) if isinstance(value, list | tuple) else []
        return (names + [""] * PLACES)[:PLACES]

    def render(self, name, value, attrs=None, renderer=None):
        values = self.decompress(value)
        base = (attrs or {}).get("id") or f"id_{name}"
        items = []
        for place, widget in enumerate(self.widgets):
            label = gettext("Tiêu chí thứ %(n)s") % {"n": place + 1}
            select = widget.render(
                f"{name}_{place}",
                values[place],
                {"id": f"{base}_{place}", "aria-label": label},
                renderer,
            )
            items.append((select,))
        # The list's own numbers are the places (1. decides first).
        return format_html(
            '<ol class="tie-break-chain" id="{}">{}</ol>',
            base,
            format_html_join("", "<li>{}</li>", items),
        )


class TieBreakChainField(forms.MultiValueField):
    widget = TieBreakChainWidget

    def __init__(self, **kwargs):
        invalid = _("Tiêu chí xếp hạng đã chọn không có trong danh mục.")
        fields = [
            forms.ChoiceField(
                choices=_choices(), required=False, error_messages={"invalid_choice": invalid}
            )
            for _ in range(PLACES)
        ]
        kwargs.setdefault("required", False)
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        return [name for name in (data_list or []) if name]

    def validate(self, value):
        refusals = chain_refusals(value)
        if refusals:
            raise ValidationError(refusals, code="invalid")


def default_chain_text() -> str:
    return ", ".join(str(TieBreak(name).label).lower() for name in DEFAULT_CHAIN)
