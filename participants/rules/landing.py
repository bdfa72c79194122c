"""Where someone lands after logging in when the login link named no page (`next`): an
essay judge on the judges' page (/cham-thi/), where their work is; everyone else, citizens
and organisers alike, on "Cuộc thi của tôi" (settings.LOGIN_REDIRECT_URL), as before.

A URL name, not a view: participants may not import essays (contests ← participants ←
essays), and the name is all the login view needs."""

from __future__ import annotations

JUDGE_LANDING = "essays_judge:home"


def landing_url_name(*, is_judge: bool, default: str) -> str:
    """`is_judge`: the account is in the judge group (contests.services.units.JUDGE_GROUP);
    `default`: settings.LOGIN_REDIRECT_URL."""
    return JUDGE_LANDING if is_judge else default
