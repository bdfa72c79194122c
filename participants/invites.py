"""Unit invite tokens: "<contest id>-<unit id>-<mac>", ids in base 36, the mac 13 characters of
base 32 (64 bits of an HMAC-SHA256 keyed by SECRET_KEY).

Pure (no database). Why a signature and not the plain unit code in the query string: a link
counts the registrations it brought, so nobody may make a link for a unit the organisers did
not hand out (to inflate its count). Why this short form and not django.core.signing's 43
characters: the link is printed on a poster and sometimes typed from it; lower-case base 32
has no look-alike letters to misread, and upper case typed by hand is accepted. A key in
SECRET_KEY_FALLBACKS still verifies, so rotating the key does not void printed posters at once.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "participants.invite.v1"
MAC_LENGTH = 13
# Longer input is not a token (and is never hashed): two ids of 12 base-36 digits and the mac.
MAX_TOKEN_LENGTH = 12 + 1 + 12 + 1 + MAC_LENGTH


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def _mac(payload: str, secret: str) -> str:
    digest = salted_hmac(SALT, payload, secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest[:8]).decode().rstrip("=").lower()


def invite_token(*, contest_id: int, unit_id: int) -> str:
    payload = f"{_base36(contest_id)}-{_base36(unit_id)}"
    return f"{payload}-{_mac(payload, settings.SECRET_KEY)}"


def invite_read(token: str) -> tuple[int, int] | None:
    """(contest id, unit id) of a genuine token; None for anything else (forged, altered,
    truncated, malformed)."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return None
    token = token.strip().lower()
    parts = token.split("-", 2)
    if len(parts) != 3 or not all(parts) or not token.isascii():
        return None
    contest_part, unit_part, mac = parts
    if not (contest_part.isalnum() and unit_part.isalnum()):
        return None
    payload = f"{contest_part}-{unit_part}"
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(constant_time_compare(mac, _mac(payload, secret)) for secret in secrets):
        return None
    contest_id, unit_id = int(contest_part, 36), int(unit_part, 36)
    # A canonical form only ("07" is not "7"): one link per unit, one count.
    if payload != f"{_base36(contest_id)}-{_base36(unit_id)}":
        return None
    return contest_id, unit_id
