"""A permission as a clerk reads it in the account and group pages. Django stores the four
default permissions' names in English at migrate time ("Can add contest"); the label is
rebuilt from the codename's verb and the model's (translated) name. Other permissions are
named in Vietnamese by their models already and keep their name."""

from __future__ import annotations

from django.utils.translation import gettext as _


def permission_label(*, codename: str, name: str, app_text: str, model_text: str) -> str:
    verbs = {"add": _("Thêm"), "change": _("Sửa"), "delete": _("Xóa"), "view": _("Xem")}
    verb, _sep, _rest = codename.partition("_")
    if verb in verbs and name.startswith("Can "):
        return f"{app_text} | {model_text} | {verbs[verb]} {model_text}"
    return f"{app_text} | {model_text} | {name}"
