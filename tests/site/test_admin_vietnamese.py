"""Every admin page in Vietnamese: each registered ModelAdmin's changelist, add, change and
history pages (one object each), the admin index, an app index, the password change pages
(with a form error), the logout page, rendered for a superuser and for a district organiser
with `Accept-Language: vi`, and searched for known English words in the text a person reads
(tags, attributes, scripts and styles stripped first).

Generic over the admin registry: a new admin is walked without a change here. Its object
comes from the isolation matrix's CASES (tests/site/test_admin_isolation.py: every scoped admin
has one), from MAKERS below, or from any row already in the database; an admin with none fails
`test_every_admin_has_an_object_to_show`.

Also checked without rendering: every model field an admin shows has a verbose_name of its
own (not the English one Django makes from the field's name), and every English msgid of
Django's catalogues that the admin and its forms use has a Vietnamese translation (Django's
vi catalogue, or ours in locale/vi, which comes first)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.text import camel_case_to_spaces
from django.utils.translation.trans_real import DjangoTranslation

from tests.site.test_admin_isolation import CASES, both
from tests.site.test_translations import _catalogue_entries

# Known English words of Django's admin, of labels Django makes from field names, and of our
# own columns before they had Vietnamese names. Matched as whole words, ignoring case.
ENGLISH = [
    "Show counts",
    "Hide counts",
    "Please correct",
    "Add",
    "Change",
    "Delete",
    "Save",
    "Save and",
    "Filter",
    "Search",
    "Action",
    "Actions",
    "Go",
    "Select",
    "selected",
    "At",
    "User",
    "What",
    "Before",
    "After",
    "Round",
    "Topic",
    "Yes",
    "No",
    "None",
    "Today",
    "Now",
    "Clear",
    "Show all",
    "All dates",
    "Any date",
    "Past 7 days",
    "This month",
    "This year",
    "By",
    "History",
    "Home",
    "Log out",
    "Log in",
    "Welcome",
    "View site",
    "Documentation",
    "Password",
    "Username",
    "Name",
    "Date",
    "Time",
    "Status",
    "Created",
    "Updated",
    "Title",
    "Kind",
    "Contest",
    "Question",
    "Attempt",
    "Registration",
    "Participant",
    "Unit",
    "Number",
    "Score",
    "Items",
    "Answers",
    "Deadline",
    "Started",
    "Finished",
    "Reason",
    "Version",
    "Changes",
    "Empty",
    "Unknown",
    "entries",
    "result",
    "results",
    "total",
    "Summary",
    "Recent actions",
    "administration",
    "Django",
]
_ENGLISH_RE = re.compile(
    r"(?<!\w)("
    + "|".join(re.escape(w) for w in sorted(ENGLISH, key=len, reverse=True))
    + r")(?!\w)",
    re.IGNORECASE,
)


class _VisibleText(HTMLParser):
    """The text of a page a person reads: no tags, attributes, scripts, styles or templates."""

    HIDDEN = {"script", "style", "template", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_in(html: str, data: frozenset[str] = frozenset()) -> list[str]:
    """Each known English word of the page's visible text, with the line it stands in; the
    strings in `data` (what third-party apps store and name their rows with) are skipped."""
    found = []
    text = visible_text(html)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, "")
    for line in text.splitlines():
        found += [f"{m.group(1)!r} in {line[:120]!r}" for m in _ENGLISH_RE.finditer(line)]
    return found


def test_the_english_detector_sees_visible_english_only():
    page = (
        '<html><head><title>Add user</title></head><body><a title="Delete">Xóa</a>'
        "<script>var s = 'Search';</script><p>Show counts</p><td>Ngày</td>"
        "<th>Started at</th><p>Đăng xuất</p></body></html>"
    )
    assert english_in(page) == [
        "'Show counts' in 'Show counts'",
        "'Started' in 'Started at'",
        "'at' in 'Started at'",
    ]
    # What a third-party app stores is data, skipped when given.
    assert english_in(
        "<p>Failed access: user x</p><p>Search</p>", frozenset({"Failed access: user x"})
    ) == ["'Search' in 'Search'"]


# --- Objects to show: CASES of the isolation matrix, then these, then any row --------------


def _one(label: str, **fields):
    return apps.get_model(label)._default_manager.create(**fields)


MAKERS = {
    "participants.ConsentNotice": lambda w: _one(
        "participants.ConsentNotice",
        version="v-test",
        text="<p>Thông báo xử lý dữ liệu cá nhân.</p>",
        published_at=timezone.now(),
    ),
    "participants.PersonalDataAccess": lambda w: _one(
        "participants.PersonalDataAccess",
        user=w["users"]["root"],
        action="view",
        target="participant:1",
    ),
    "participants.SmsDelivery": lambda w: _one(
        "participants.SmsDelivery", to="+84912345678", purpose="otp", backend="console"
    ),
    "participants.DuplicateSuspect": lambda w: _one(
        "participants.DuplicateSuspect",
        duplicate=both(w, "participants.Participant")[0],
        original=_second_person(w),
        reason="same_name_dob",
    ),
    # Admins of the targets, rosters and learning work (their isolation CASES win once added).
    "contests.UnitTarget": lambda w: _one(
        "contests.UnitTarget",
        contest=both(w, "contests.Contest")[0],
        unit=w["unit:A-1"],
        people=50,
    ),
    "participants.RosterEntry": lambda w: _one(
        "participants.RosterEntry",
        contest=both(w, "contests.Contest")[0],
        unit=w["unit:A-1"],
        full_name="Trần Thị Bình",
        position="Chuyên viên",
        document_number="001087123456",
    ),
    "learning.PracticeAttempt": lambda w: _one(
        "learning.PracticeAttempt",
        participant=both(w, "participants.Participant")[0],
        contest=both(w, "contests.Contest")[0],
        kind="practice",
        items=[],
        started_at=timezone.now(),
        question_count=0,
    ),
    "learning.ItemStatsRun": lambda w: _one(
        "learning.ItemStatsRun", contest=both(w, "contests.Contest")[0], started_at=timezone.now()
    ),
    "axes.AccessAttempt": lambda w: _one(
        "axes.AccessAttempt",
        user_agent="Mozilla/5.0",
        ip_address="10.0.0.1",
        username="ai_do",
        http_accept="text/html",
        path_info="/dang-nhap/",
        get_data="",
        post_data="ten_dang_nhap=ai_do",
        failures_since_start=3,
    ),
    "axes.AccessLog": lambda w: _one(
        "axes.AccessLog",
        user_agent="Mozilla/5.0",
        ip_address="10.0.0.1",
        username="ai_do",
        http_accept="text/html",
        path_info="/dang-nhap/",
    ),
    "axes.AccessFailureLog": lambda w: _one(
        "axes.AccessFailureLog",
        user_agent="Mozilla/5.0",
        ip_address="10.0.0.1",
        username="ai_do",
        http_accept="text/html",
        path_info="/dang-nhap/",
    ),
}


def _second_person(w):
    from tests.factories import ParticipantFactory

    return ParticipantFactory(residence_unit=w["unit:A-1"])


def object_for(w, label: str):
    """One object of the model, inside district A (so that its organiser may open it)."""
    if label in CASES:
        return both(w, label)[0]
    if label in MAKERS:
        return MAKERS[label](w)
    return apps.get_model(label)._default_manager.order_by("pk").first()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(tree, organisers):
    w = {f"unit:{code}": unit for code, unit in tree.items()}
    w["users"] = organisers
    w["objects"] = {
        model._meta.label: object_for(w, model._meta.label) for model in admin.site._registry
    }
    return w


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(user)
    return client


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def admin_pages(w) -> list[str]:
    """Every admin page to render: the site's own, then each registered model's."""
    pages = [
        reverse("admin:index"),
        reverse("admin:app_list", args=["contests"]),
        reverse("admin:password_change"),
    ]
    for model in admin.site._registry:
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        pages += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        obj = w["objects"][opts.label]
        if obj is not None:
            pages += [
                reverse(f"{prefix}_change", args=[obj.pk]),
                reverse(f"{prefix}_history", args=[obj.pk]),
            ]
    return pages


def test_every_admin_has_an_object_to_show(world):
    missing = sorted(label for label, obj in world["objects"].items() if obj is None)
    assert missing == [], f"add a maker to MAKERS in {Path(__file__).name}: {missing}"


OURS = {"contests", "participants", "essays", "scoring", "learning", "integrity", "reports"}


def third_party_data(w) -> frozenset[str]:
    """Text that is data, not our interface: the names django-axes gives its rows
    ("Failed access: user ai_do ...", hard-coded English in its models) and what it stores
    for a request it could not read ("<unknown>")."""
    names = {
        str(obj)
        for label, obj in w["objects"].items()
        if obj is not None and label.split(".")[0] not in OURS | {"auth"}
    }
    return frozenset(names | {"<unknown>"})


@pytest.mark.parametrize("role", ["root", "a"])
def test_every_admin_page_is_in_vietnamese(world, role):
    client = client_for(world["users"][role])
    data = third_party_data(world)
    found, rendered = [], 0
    for url in admin_pages(world):
        response = client.get(url)
        # Pages this role may not open answer 403 (or 404 outside its subtree); the 200s and
        # the pages they lead to are what a person reads.
        if response.status_code in (403, 404):
            continue
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.status_code == 200:
            rendered += 1
            found += [f"{url}: {hit}" for hit in english_in(response.content.decode(), data)]
    # A form with errors ("Please correct the errors below.") and the logout page.
    response = client.post(reverse("admin:password_change"), {})
    assert response.status_code == 200
    found += [f"password change (errors): {hit}" for hit in english_in(response.content.decode())]
    response = client.post(reverse("admin:logout"))
    found += [f"logout: {hit}" for hit in english_in(response.content.decode())]
    assert rendered > (60 if role == "root" else 20)
    assert found == [], f"{len(found)} English words:\n" + "\n".join(found)


# --- Without rendering --------------------------------------------------------------------


def _shown_field_names(model_admin) -> set[str]:
    names = set()
    for attr in ("list_display", "fields", "readonly_fields", "list_filter", "search_fields"):
        for name in getattr(model_admin, attr, None) or ():
            if isinstance(name, str):
                names.add(name.lstrip("=^@").split("__")[0])
    for fieldset in getattr(model_admin, "fieldsets", None) or ():
        for name in fieldset[1].get("fields", ()):
            names.update(name if isinstance(name, tuple | list) else [name])
    if getattr(model_admin, "date_hierarchy", None):
        names.add(model_admin.date_hierarchy.split("__")[0])
    return names


def test_every_field_an_admin_shows_has_its_own_label():
    """Django names a field without verbose_name after the field ("started at", "user"): an
    English label on a Vietnamese page."""
    shown = []
    for model, model_admin in admin.site._registry.items():
        shown.append((model, model_admin))
        shown += [(i.model, i) for i in (model_admin.inlines or ())]
    unnamed = []
    for model, model_admin in shown:
        if model._meta.app_label not in OURS:
            continue
        for name in sorted(_shown_field_names(model_admin)):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not getattr(field, "verbose_name", None) or field.auto_created:
                continue
            if str(field.verbose_name) == name.replace("_", " "):
                unnamed.append(f"{model._meta.label}.{name}")
    assert unnamed == [], f"fields without a Vietnamese verbose_name: {unnamed}"


def test_every_model_of_ours_has_a_vietnamese_name():
    """Without verbose_name a model is named after its class ("topic unit stat"): in the
    permission lists of the account pages, the history, the delete confirmations."""
    unnamed = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in OURS
        and str(model._meta.verbose_name) == camel_case_to_spaces(model.__name__)
    ]
    assert unnamed == [], f"models without a Vietnamese verbose_name: {unnamed}"


DJANGO_CATALOGUES = [
    ("conf/locale", "django"),
    ("contrib/admin/locale", "django"),
    ("contrib/admin/locale", "djangojs"),
    ("contrib/auth/locale", "django"),
    ("contrib/contenttypes/locale", "django"),
    ("contrib/sessions/locale", "django"),
    ("contrib/humanize/locale", "django"),
]


@pytest.mark.parametrize(("where", "domain"), DJANGO_CATALOGUES)
def test_every_msgid_of_djangos_catalogues_has_a_vietnamese_translation(where, domain):
    """Read from Django's English catalogue (every msgid it has), looked up in the merged
    Vietnamese catalogue Django builds (its own vi, then locale/vi, which wins)."""
    root = Path(django.__file__).parent / where
    english = _catalogue_entries(root / "en" / "LC_MESSAGES" / f"{domain}.po")
    if domain == "django":
        catalogue = translation.trans_real.translation("vi")._catalog
    else:
        catalogue = DjangoTranslation("vi", domain=domain, localedirs=[str(root)])._catalog
    translated = set()  # (msgid, plural?): a plural msgid is looked up as (msgid, 0)
    for key in catalogue.keys():  # noqa: SIM118 (a TranslationCatalog, not a dict)
        if catalogue.get(key):
            text = key[0] if isinstance(key, tuple) else key
            # Entries with a context are keyed "context\x04msgid".
            translated.add((text.rpartition("\x04")[2], isinstance(key, tuple)))
    untranslated = [
        msgid
        for _flags, msgid, strs in english
        if msgid and (msgid, len(strs) > 1) not in translated
    ]
    assert untranslated == [], f"{len(untranslated)} in {where} {domain}: {untranslated[:20]}"
