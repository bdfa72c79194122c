"""One-time codes: made with `secrets`, stored as HMAC-SHA256(secret, salt + code).

Why not the password hasher: a code is 6 digits, lives 5 minutes and allows 5 checks, so a
slow hash buys nothing against guessing (the try limit does that) and would make a morning
rush of requests CPU-bound. The keyed hash keeps a stolen database from yielding live codes
(the key is SECRET_KEY, not in the database); the per-code salt keeps two equal codes from
having equal hashes. benchmarks/accounts_bench.py measures it."""

from __future__ import annotations

import hmac
import secrets

from django.utils.crypto import salted_hmac

CODE_DIGITS = 6
_KEY_SALT = "participants.accounts.codes"


def code_new() -> str:
    """Six random digits (leading zeros kept: it is a string)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def link_token_new() -> str:
    """A link's secret: 32 url-safe characters (192 bits)."""
    return secrets.token_urlsafe(24)


def salt_new() -> str:
    return secrets.token_hex(16)


def code_hash(*, code: str, salt: str, purpose: str) -> str:
    return salted_hmac(_KEY_SALT, f"{purpose}:{salt}:{code}", algorithm="sha256").hexdigest()


def code_matches(*, code: str, salt: str, purpose: str, stored: str) -> bool:
    """Constant-time comparison of the typed code's hash with the stored one."""
    typed = "".join(str(code or "").split())[:64]
    return hmac.compare_digest(code_hash(code=typed, salt=salt, purpose=purpose), stored)
