"""Masking of phone numbers (document numbers: `contests.masking`, the one rule for every app).

Only accounts with `FULL_IDENTITY_PERMISSION` see numbers in full, and every full view or
export is written to PersonalDataAccess (`participants.services.personal_data_access_log`);
participants registers both with `contests.masking` at start-up."""

from __future__ import annotations

# Declared on PersonalDataAccess (participants/models.py).
FULL_IDENTITY_PERMISSION = "participants.view_full_identity"


def mask_phone(phone: str | None) -> str:
    """+84912345678 -> 091****678 (national form, as people read it)."""
    phone = str(phone or "")
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    n = len(phone)
    if n == 0:
        return ""
    if n >= 7:
        return phone[:3] + "*" * (n - 6) + phone[-3:]
    return "*" * n
