"""The personal-data access log (PersonalDataAccess) as a clerk reads it: its action codes and
its targets ("participant:12", "registration contest__id__exact=3") in Vietnamese. Pure: the
caller gives the names of the models (model_name -> verbose name)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def action_text(action: str) -> str:
    """Vietnamese for a logged action; an unknown code is shown as it is."""
    names = {
        "view": _("xem một hồ sơ"),
        "view_list": _("xem danh sách"),
        "view_excluded": _("xem danh sách không được dự thi"),
        "export": _("xuất Excel"),
        "export_full": _("xuất Excel đầy đủ số giấy tờ"),
        "self_view": _("người dự thi xem dữ liệu của mình"),
        "self_export": _("người dự thi tải dữ liệu của mình"),
        "essay_file": _("mở tệp bài dự thi tự luận"),
        "roster_entry_view": _("xem người thuộc diện tham gia"),
        "clear_flags": _("bỏ cảnh báo bất thường"),
        "disqualify_flags": _("truất quyền theo cảnh báo bất thường"),
    }
    return names.get(action, action)


def target_text(target: str, models: dict[str, str]) -> str:
    """'participant:12' -> 'người dự thi #12'; 'registration a=1' -> 'đăng ký dự thi (a=1)';
    other prefixes (essay:, export:, contest:… excluded, roster-not-yet:) by their meaning;
    anything else as it is."""
    words = {
        "essay": _("bài dự thi tự luận"),
        "export": _("tệp xuất Excel"),
        "roster-not-yet": _("danh sách chưa tham gia"),
        "excluded": _("danh sách không được dự thi"),
    }
    head, sep, rest = target.partition(" ")
    name, colon, key = head.partition(":")
    label = models.get(name) or words.get(name)
    if label is None:
        return target
    text = f"{label} #{key}" if colon and key else label
    if rest:
        rest = " ".join(words.get(w, w) for w in rest.split())
        text += f" ({rest})"
    return text
