"""The announcement banner (templates/layouts/site.html, block "announcements": a page may leave
it out, as the timed test page does): the unread, unarchived announcements of the contests the
signed-in person is registered in. Here because contests never imports participants: the
registrations are participants', the announcements contests'."""

from django import template

from contests.selectors import announcements_unread_for
from participants.selectors import registered_contest_ids

register = template.Library()


@register.inclusion_tag("partials/announcement_banner.html", takes_context=True)
def announcement_banner(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"newest": None}
    items = announcements_unread_for(user=user, contest_ids=registered_contest_ids(user=user))
    # One banner: the newest notice, the others folded behind "và N thông báo khác".
    return {
        "newest": items[0] if items else None,
        "others": items[1:],
        "back": request.get_full_path(),
    }
