"""Rate limits of the account pages, on the one counter (participants.ratelimit.
fixed_window_hit). Per address generous (a school's pupils share one address), per number
and per account strict (what stops SMS bombing of one phone and code guessing).
settings.ACCOUNTS_RATE_LIMITS = {scope: (events, seconds)} overrides a default."""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac

from participants.ratelimit import fixed_window_hit

DEFAULT_LIMITS = {
    # Recovery codes asked from one address / for one number.
    "recovery_address": (200, 600),
    "recovery_number": (3, 900),
    # Code checks from one address (each code allows 5 on its own).
    "check_address": (300, 600),
    # Phone-change forms sent by one account (each checks the password, so this also
    # bounds password guessing from a borrowed session) / codes for one new number.
    "phone_account": (5, 900),
    "phone_number": (3, 900),
}


def _limit(scope: str) -> tuple[int, int]:
    configured = getattr(settings, "ACCOUNTS_RATE_LIMITS", {}) or {}
    return configured.get(scope, DEFAULT_LIMITS[scope])


def _subject_key(subject: str) -> str:
    # A keyed hash, so the cache never holds phone or document numbers in clear.
    return salted_hmac("participants.accounts.limits", subject).hexdigest()[:32]


def account_limit_hit(*, scope: str, subject: str) -> int | None:
    """Count one event for `subject` (an address, a number, an account id) in `scope`; the
    seconds to wait when over the limit, else None."""
    limit, window = _limit(scope)
    return fixed_window_hit(
        key=f"participants:acct:{scope}:{_subject_key(subject)}", limit=limit, window=window
    )
