"""Open Graph / Twitter-card tags and share buttons.

`{% block og %}` in templates/base.html holds `{% og_tags %}` (the site's title, description
and image); a page replaces the block with its own `{% og_tags title=… description=…
image=… %}`. Every URL in the tags is absolute (crawlers do not resolve relative ones), built
from the request, so the host is the one the page was served from."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from contests.share import contest_card, site_card

register = template.Library()

FACEBOOK_SHARER = "https://www.facebook.com/sharer/sharer.php"
# Zalo documents only its JavaScript SDK button (sp.zalo.me/plugins/sdk.js, with an Official
# Account id), which our Content-Security-Policy does not load; the SDK opens this page, and
# a plain link to it works without any script.
ZALO_SHARER = "https://sp.zalo.me/share_inline"


def site_image_url() -> str:
    return f"{reverse('contests:site_share_image')}?v={site_card().version}"


@register.simple_tag
def contest_image_url(contest) -> str:
    """The path of a contest's share image, versioned by what it shows."""
    url = reverse("contests:contest_share_image", kwargs={"slug": contest.slug})
    return f"{url}?v={contest_card(contest).version}"


@register.inclusion_tag("partials/og.html", takes_context=True)
def og_tags(context, title=None, description=None, image=None, url=None):
    request = context.get("request")
    if request is None:  # a page rendered without a request (none of ours): no tags
        return {"absolute": False}
    return {
        "absolute": True,
        "title": title or _("Cuộc thi trực tuyến tìm hiểu pháp luật"),
        "description": description
        or _(
            "Đăng ký một lần, làm bài trắc nghiệm trên điện thoại hoặc máy tính, xem kết quả "
            "ngay khi Ban Tổ chức công bố."
        ),
        # The whole address, query included: Facebook treats og:url as the page to open, and
        # an invite link's token must survive a share.
        "url": request.build_absolute_uri(url) if url else request.build_absolute_uri(),
        "image": request.build_absolute_uri(image or site_image_url()),
        "image_alt": title or _("Cuộc thi trực tuyến tìm hiểu pháp luật"),
    }


@register.inclusion_tag("partials/share_buttons.html", takes_context=True)
def share_buttons(context, title: str = "", url=None):
    """Facebook and Zalo as plain links (no SDK, no script), and the address to copy."""
    request = context["request"]
    target = request.build_absolute_uri(url or request.path)
    return {
        "target": target,
        "facebook": f"{FACEBOOK_SHARER}?{urlencode({'u': target})}",
        "zalo": f"{ZALO_SHARER}?{urlencode({'url': target})}",
        "title": title,
    }
