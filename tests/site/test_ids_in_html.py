"""Ids written into forms and links are never localised: with USE_THOUSAND_SEPARATOR the
Vietnamese format would print unit 1180 as "1.180", and the form would post a value no view
can read."""

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation


def test_unit_choices_carry_plain_ids():
    unit = SimpleNamespace(pk=1180, name="Phường Nhân Chính")
    cascade = {
        "prefix": "don_vi",
        "label": "Đơn vị",
        "required": True,
        "levels": [{"name": "don_vi_0", "options": [unit], "selected": 1180}],
    }
    with translation.override("vi"):
        html = render_to_string("participants/_unit_cascade.html", {"cascade": cascade})
    assert 'value="1180" selected' in html
    assert "1.180" not in html
