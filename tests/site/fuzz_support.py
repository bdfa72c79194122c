"""Machinery of the URL fuzz (tests/site/test_fuzz.py): the project's URL patterns, hostile
values for their path parameters, query strings and form fields, what a page offers to send
back (read from its HTML), and a fingerprint of the database.

Kept apart from the test so that the test reads as the property it checks."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import strategies as st

# --- The URL patterns --------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """One URL pattern of the project: its full route (as ResolverMatch.route spells it), its
    name (namespaced), a template with {param} holes, and each param's converter kind
    ("int", "slug", "str", "path" or the raw regex of a regex group)."""

    route: str
    name: str
    template: str
    params: tuple[tuple[str, str], ...]

    @property
    def id(self) -> str:
        return self.route


_ROUTE_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<regex>(?:[^()]|\([^()]*\))*)\)")


def _template_of(pattern) -> tuple[str, list[tuple[str, str]]]:
    text = str(pattern)
    params: list[tuple[str, str]] = []
    if isinstance(pattern, RoutePattern):

        def sub(m):
            params.append((m["name"], m["conv"] or "str"))
            return "{" + m["name"] + "}"

        return _ROUTE_PARAM.sub(sub, text.replace("{", "{{").replace("}", "}}")), params
    assert isinstance(pattern, RegexPattern), pattern

    def sub_regex(m):
        params.append((m["name"], m["regex"]))
        return "{" + m["name"] + "}"

    text = text.replace("{", "{{").replace("}", "}}")
    text = _REGEX_GROUP.sub(sub_regex, text)
    return text.removeprefix("^").removesuffix("$"), params


def _join(route: str, entry) -> str:
    # As django.urls.resolvers.URLResolver._join_route spells ResolverMatch.route.
    own = str(entry.pattern)
    return route + (own[1:] if route and own.startswith("^") else own)


def url_patterns() -> list[Pattern]:
    """Every URL pattern reachable from ROOT_URLCONF, includes (admin's too) followed."""
    found: list[Pattern] = []

    def walk(resolver: URLResolver, route: str, template: str, params, namespace: str):
        for entry in resolver.url_patterns:
            text, own = _template_of(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, _join(route, entry), template + text, params + own, ns)
            else:
                assert isinstance(entry, URLPattern)
                name = f"{namespace}{entry.name}" if entry.name else ""
                found.append(
                    Pattern(
                        route=_join(route, entry),
                        name=name,
                        template="/" + template + text,
                        params=tuple(params + own),
                    )
                )

    walk(get_resolver(), "", "", [], "")
    return found


def build_path(pattern: Pattern, values: dict[str, str]) -> str | None:
    """The path with `values` in the holes (percent-encoded), or None when the resolver would
    not send it to this pattern (the value does not match the converter)."""
    path = pattern.template.format(**{k: quote(v, safe="") for k, v in values.items()})
    try:
        match = resolve(_decoded(path))
    except Resolver404:
        return None
    return path if match.route == pattern.route else None


def _decoded(path: str) -> str:
    # What the test client puts in PATH_INFO (django.test.client._get_path).
    from urllib.parse import unquote_to_bytes

    return unquote_to_bytes(path).decode("utf-8", "replace")


# --- Hostile values ------------------------------------------------------------------------------

HUGE = "1" + "0" * 30
BEYOND_BIGINT = "9223372036854775808"
LONG = "x" * 100_000  # 100 KB
LONG_MULTIBYTE = "Đ" * 50_000  # 100 KB of UTF-8, 50,000 characters

# Values for a path parameter, by converter. Each still matches its converter (an <int:> only
# matches [0-9]+): build_path drops any that would not.
PATH_VALUES: dict[str, list[str]] = {
    "int": ["0", "2147483648", BEYOND_BIGINT, HUGE, "0" * 40 + "1"],
    "slug": ["-", "_", "0", "9" * 40, "a" * 5_000],
    "str": ["\x00", "٣", "😀", "..", "a b", LONG],
    "path": ["0", "-1", "٣", "１", HUGE, "\x00", "_00", "1.5", "1/2", "😀", LONG],
}
# Regex groups of admin's own patterns: the app index and the catch-all.
REGEX_VALUES = ["auth", "contests", "khong-co", "\x00", "٣", LONG]

NUMBERS = ["-1", "-9223372036854775809", BEYOND_BIGINT, HUGE, "1e309", "NaN", "-0", "0x1F"]
UNICODE_DIGITS = ["١٢٣", "１２３", "۴۲", "𝟗", "²", "Ⅻ", "߃"]
DATES = [
    "2023-02-30",
    "30/02/2023",
    "0000-00-00",
    "10000-01-01",
    "2023-13-45",
    "01/01/0001",
    "31/12/9999 23:59:61",
    "2023-09-01T25:61",
    "-1/-1/-1",
]
STRINGS = [
    "",
    " ",
    "\t\n",
    LONG,
    LONG_MULTIBYTE,
    "<script>alert(1)</script>",
    "'; DROP TABLE x; --",
    "%00",
    "😀" * 100,
    "\u202eabc",
]
CHOICES = ["__khong_co__", "None", "true", "[]", "{}", "on"]
NUL = ["\x00", "a\x00b"]
HOSTILE = NUMBERS + UNICODE_DIGITS + DATES + STRINGS + CHOICES

# A document nested far past Python's recursion limit; and other JSON that is not an object.
DEEP_JSON = "[" * 50_000 + "]" * 50_000
JSON_BODIES = [
    DEEP_JSON,
    '{"answers": ' + "[" * 50_000 + "]" * 50_000 + "}",
    "[1, 2, 3]",
    '"chuỗi"',
    HUGE,
    "{",
    '{"answers": {"' + BEYOND_BIGINT + '": "' + HUGE + '"}, "prediction": "١٢٣"}',
    '{"answers": [1, 2], "prediction": {"a": 1}}',
    '{"answers": {"1": null, "x": [], "\\u0000": 1}, "prediction": 1e309}',
]
INVALID_UTF8_FORM = b"a=%ff%fe&q=%c3%28&%ff=1"


def hostile_value() -> st.SearchStrategy[str]:
    """One hostile value: mostly from the curated lists above, sometimes any short text."""
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.sampled_from(NUL),
        st.text(max_size=12),
        st.integers().map(str),
    )


def hostile_values() -> st.SearchStrategy[str | list[str]]:
    """A field's value: one hostile value, or the field repeated with several."""
    return st.one_of(hostile_value(), st.lists(hostile_value(), min_size=2, max_size=3))


# --- What a page offers to send back ------------------------------------------------------------


@dataclass
class PageForm:
    fields: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    query_keys: set[str] = field(default_factory=set)


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, PageForm] = {"": PageForm()}
        self.action = ""  # the current <form>'s action ("": this page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.action = attrs.get("action") or ""
            self.forms.setdefault(self.action, PageForm())
            return
        name = attrs.get("name")
        page = self.forms[self.action]
        if tag in ("input", "select", "textarea", "button") and name:
            if name == "csrfmiddlewaretoken":
                return
            if tag == "input" and (attrs.get("type") or "").lower() == "file":
                page.files.add(name)
            else:
                page.fields.add(name)
        href = attrs.get("href") if tag == "a" else None
        if href and href.startswith("?"):
            self.forms[""].query_keys.update(k for k, _v in parse_qsl(href[1:], True))

    def handle_endtag(self, tag):
        if tag == "form":
            self.action = ""


def read_forms(html: str) -> dict[str, PageForm]:
    """{form action ("" for this page): the field names and file inputs it posts}, and under
    "" the query keys of same-page links (admin's filters, ordering, pages, date hierarchy;
    the dashboard's drill-down), all read from the HTML."""
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


def query_keys_read_by_views() -> set[str]:
    """Every literal key the project's own code reads from request.GET."""
    root = Path(__file__).resolve().parents[2]
    keys: set[str] = set()
    for app in ("contest_site", "contests", "participants", "scoring", "reports"):
        for source in (root / app).rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            keys.update(re.findall(r"GET\.get\(\s*[\"']([^\"']+)[\"']", text))
            keys.update(re.findall(r"_parse_date\(\s*request\s*,\s*[\"']([^\"']+)[\"']", text))
    return keys


# Django admin's own changelist and form parameters.
ADMIN_QUERY_KEYS = {"q", "o", "p", "all", "e", "_to_field", "_popup", "_changelist_filters"}


def location_of(url: str) -> str:
    return urlsplit(url).path


# --- The database's fingerprint -----------------------------------------------------------------


def fingerprint_tables(excluded: set[str]) -> list[str]:
    tables = set()
    existing = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in existing and table not in excluded:
            tables.add(table)
    return sorted(tables)


def fingerprint_sql(tables: list[str]) -> str:
    """One query: per table, its row count and an MD5 of every row's text (ordered), so an
    insert, delete or update anywhere shows."""
    # Table names come from the models, not from input.
    select = (
        "SELECT '{t}' AS t, count(*) AS n, "
        "coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS h "
        'FROM "{t}" x'
    )
    parts = [select.format(t=t) for t in tables]
    return " UNION ALL ".join(parts)


WRITE_COUNT_SQL = (
    "SELECT coalesce(sum(pg_stat_get_xact_tuples_inserted(o) + "
    "pg_stat_get_xact_tuples_updated(o) + pg_stat_get_xact_tuples_deleted(o)), 0) "
    "FROM unnest(%s::oid[]) o"
)


def table_oids(tables: list[str]) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_class WHERE relname = ANY(%s)", [tables])
        return [row[0] for row in cursor.fetchall()]


def write_count(oids: list[int]) -> int:
    """Rows this transaction has inserted, updated or deleted in the tables `oids` so far
    (PostgreSQL's per-transaction table statistics, rolled-back savepoints included: the
    count only grows). An unchanged count means no row of those tables was written, so the
    MD5 fingerprint can be skipped; a changed one (a write, possibly undone by the view
    itself) sends the caller to the fingerprint."""
    with connection.cursor() as cursor:
        cursor.execute(WRITE_COUNT_SQL, [oids])
        return int(cursor.fetchone()[0])


def fingerprint(sql: str) -> dict[str, tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {t: (n, h) for t, n, h in cursor.fetchall()}


def short(value, limit: int = 60) -> str:
    """A value as a report shows it: repr, cut, with its length when cut."""
    text = repr(value)
    if len(text) <= limit:
        return text
    digest = hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()[:6]
    return f"{text[:limit]}…(len {len(text)}, {digest})"
