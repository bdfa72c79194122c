"""Organisers' rich text (plan, rules): the one allow-list, applied when it is saved
(contests.services.contests, contests.forms) and again when a template shows it
(contests.templatetags.contest_tags.rich_text)."""

import nh3

RICH_TEXT_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
RICH_TEXT_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}}


def rich_text_clean(html: str) -> str:
    """The organiser's HTML with only the tags above kept (no scripts, styles, event handlers,
    `javascript:` links); links get rel="noopener noreferrer"."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=RICH_TEXT_TAGS,
        attributes=RICH_TEXT_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


RICH_TEXT_FIELDS = ("summary", "purpose", "requirements", "rules", "eligibility_note")
