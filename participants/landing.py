"""The role facts the site's header and the login redirect need, read once at login and kept
in the session: whether the account is an essay judge (in the judge group). The header shows
"Chấm thi" from the session, so no page pays a query for it; a judge added to or removed from
the group while logged in sees the change at the next login (the judges' pages check the
Judge record on every request anyway)."""

from __future__ import annotations

from contests.services.units import JUDGE_GROUP

# Read by templates/partials/nav_items.html as request.session.nav_judge.
JUDGE_SESSION_KEY = "nav_judge"


def user_is_judge(user) -> bool:
    return user.groups.filter(name=JUDGE_GROUP).exists()


def remember_roles(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver (participants.apps): every way in (the login page, the admin's,
    a password reset's auto-login) records the fact the same way."""
    if request is None or not hasattr(request, "session"):
        return
    if user_is_judge(user):
        request.session[JUDGE_SESSION_KEY] = True
    else:
        request.session.pop(JUDGE_SESSION_KEY, None)
