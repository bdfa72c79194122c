"""Masking of identity numbers, kept in the lowest app so that every app masks with the same
rule: contests shows excluded people's numbers (organisers, judges), participants shows
participants' and registrations' numbers, reports writes them to spreadsheets.

A number is shown in full only to accounts with the permission that participants declares on
its access log (granted one account at a time), and only when the view is written to that log.
Contests may not import participants, so participants registers both here at start-up
(`identity_audit_register`, called from participants' AppConfig.ready); with nothing
registered, nobody sees a number in full."""

from __future__ import annotations

from collections.abc import Callable


def mask_document(number: str | None) -> str:
    """001087123456 -> 001*****3456. Shorter numbers (passports) show less: 2 + 2 characters
    from 8 to 11 characters, 1 + 1 below, nothing under 5."""
    number = str(number or "")
    n = len(number)
    if n >= 12:
        head, tail = 3, 4
    elif n >= 8:
        head, tail = 2, 2
    elif n >= 5:
        head, tail = 1, 1
    else:
        return "*" * n
    return number[:head] + "*" * (n - head - tail) + number[-tail:]


# The personal data access log's writer, a callable (*, user, action, target), and the
# permission ("app_label.codename") that allows a full view.
_audit_writer: Callable[..., object] | None = None
_full_identity_permission: str | None = None


def identity_audit_register(*, writer: Callable[..., object], permission: str) -> None:
    """Called once by participants at start-up with its log writer and its permission."""
    global _audit_writer, _full_identity_permission
    _audit_writer = writer
    _full_identity_permission = permission


def can_view_full_identity(user) -> bool:
    return bool(
        _full_identity_permission is not None
        and user is not None
        and user.is_active
        and user.has_perm(_full_identity_permission)
    )


def full_identity_view_record(*, user, action: str, target: str) -> bool:
    """Write that `user` is shown identity numbers in full; True only if it was written (so a
    caller shows full numbers only when this returns True)."""
    if _audit_writer is None or not can_view_full_identity(user):
        return False
    _audit_writer(user=user, action=action, target=target)
    return True
