"""Organisers' rich text (plan, rules): the one allow-list, applied when it is saved
(contests.services.contests, contests.forms) and again when a template shows it
(contests.templatetags.contest_tags.rich_text)."""

import re
from html.parser import HTMLParser

import nh3

# Something that starts a tag (or a comment): without one, a value is plain text.
_TAG = re.compile(r"<[a-zA-Z/!]")

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
    `javascript:` links); links get rel="noopener noreferrer".

    Plain text (not a single tag: typed in the textarea without the editor, or stored before
    it) is kept as it is, line breaks normalised: the `rich_text` filter escapes it and shows
    its lines as paragraphs. Escaping it here would show "A & B" as "A &amp; B", and turning
    it into paragraphs would make an old text differ from itself on its next save (an audit
    entry for a contest, a new version for a used question)."""
    if not html:
        return ""
    if not _TAG.search(html):
        return html.replace("\r\n", "\n").strip()
    return nh3.clean(
        html,
        tags=RICH_TEXT_TAGS,
        attributes=RICH_TEXT_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


RICH_TEXT_FIELDS = ("summary", "purpose", "requirements", "rules", "eligibility_note")


# Tags after which the plain text starts a new line (a spreadsheet cell keeps line breaks).
_BLOCK_TAGS = {"p", "h2", "h3", "h4", "li", "blockquote", "tr", "ul", "ol", "table", "div"}


class _PlainText(HTMLParser):
    """Collects the text of sanitised HTML: whitespace collapsed as a browser would, a line
    break after each block, "- " before each list item, cells of a row joined by " | "."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def _newline(self):
        # Not between a list item's "- " and its first paragraph.
        if self.parts and not self.parts[-1].endswith(("\n", "- ")):
            self.parts.append("\n")

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self._newline()
            if tag == "li":
                self.parts.append("- ")
        elif tag in {"td", "th"} and self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append(" | ")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self._newline()

    def handle_data(self, data):
        text = re.sub(r"\s+", " ", data)
        if self.parts and self.parts[-1].endswith("\n"):
            text = text.lstrip()
        if text:
            self.parts.append(text)


def rich_text_to_plain(value: str) -> str:
    """The organiser's rich text as plain text, for places that cannot show HTML (Excel
    cells): tags dropped, entities decoded, one line per paragraph, heading or list item.
    A value without any tag (text typed before the editor, or imported from Excel) is
    returned as it is, its line breaks kept."""
    if not value or not _TAG.search(value):
        return value or ""
    parser = _PlainText()
    parser.feed(rich_text_clean(value))
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
