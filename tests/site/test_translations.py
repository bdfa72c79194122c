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
        if m._meta.app_label in {"contests", "participants", "scoring", "reports"}
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
