"""Model labels: Vietnamese has one form for singular and plural, English does not, so the
plural labels carry the context "plural" in the catalogue."""

from django.apps import apps
from django.utils import translation

from contests.models import Contest
from scoring.models import Attempt


def test_plural_labels_are_plural_in_english_and_unchanged_in_vietnamese():
    with translation.override("vi"):
        assert (Contest._meta.verbose_name, Contest._meta.verbose_name_plural) == (
            "cuộc thi",
            "cuộc thi",
        )
    with translation.override("en"):
        assert (Contest._meta.verbose_name, Contest._meta.verbose_name_plural) == (
            "contest",
            "contests",
        )
        assert Attempt._meta.verbose_name_plural == "attempts"


def test_every_label_of_our_models_is_translated_to_english():
    ours = [
        m
        for m in apps.get_models()
        if m._meta.app_label in {"contests", "participants", "scoring", "reports", "essays"}
    ]
    with translation.override("vi"):
        vietnamese = {
            m: (str(m._meta.verbose_name), str(m._meta.verbose_name_plural)) for m in ours
        }
    with translation.override("en"):
        for model in ours:
            english = (str(model._meta.verbose_name), str(model._meta.verbose_name_plural))
            assert english[0] != vietnamese[model][0], model
            assert english[1] != vietnamese[model][1], model


def _catalogue_entries(path):
    """(flags, msgid, msgstrs) of each entry of a .po file; a small reader, enough for the
    layout makemessages writes (no polib in the project's requirements)."""
    import ast

    entries, flags, field, parts = [], [], None, {}
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,"):
            flags += [f.strip() for f in line[2:].split(",")]
        elif line.startswith(("msgctxt", "msgid", "msgstr")):
            field, _, text = line.partition(" ")
            parts[field] = ast.literal_eval(text)
        elif line.startswith('"') and field:
            parts[field] += ast.literal_eval(line)
        elif not line.strip() and parts:
            if "msgid" in parts and not line.startswith("#~"):
                strs = [v for k, v in parts.items() if k.startswith("msgstr")]
                entries.append((flags, parts["msgid"], strs))
            flags, field, parts = [], None, {}
    return entries


def test_the_english_catalogue_has_no_untranslated_or_fuzzy_entry():
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    entries = [e for e in _catalogue_entries(path) if e[1]]  # the header has an empty msgid
    assert len(entries) > 1000
    pending = [msgid for flags, msgid, strs in entries if "fuzzy" in flags or not all(strs)]
    assert pending == [], f"{len(pending)} untranslated or fuzzy entries in {path}"
