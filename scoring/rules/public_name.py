"""The name published for a winner (no database).

A person who consented to publish their name (and, under GUARDIAN_AGE, whose guardian did
too: `Registration.may_show_name`) is shown by their full name; anyone else by the family
name and initials, "Nguyễn Văn An" → "Nguyễn V. A.": enough for a winner to recognise
themselves, not enough to identify a stranger. The first word is taken as the family name
(Vietnamese order); a one-word name becomes its initial."""

from __future__ import annotations

import unicodedata


def masked_name(full_name: str) -> str:
    words = unicodedata.normalize("NFC", full_name or "").split()
    if not words:
        return ""
    initials = [f"{word[0].upper()}." for word in words[1:]]
    if not initials:
        return f"{words[0][0].upper()}."
    return " ".join([words[0], *initials])


def public_name(full_name: str, *, may_show_name: bool) -> str:
    if may_show_name:
        return " ".join(unicodedata.normalize("NFC", full_name or "").split())
    return masked_name(full_name)
