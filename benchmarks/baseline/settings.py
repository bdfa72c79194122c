"""Production settings plus the baseline app and its two URLs (benchmarks only)."""

from contest_site.settings.production import *  # noqa: F403
from contest_site.settings.production import INSTALLED_APPS, STORAGES

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks.baseline.apps.BaselineConfig"]
ROOT_URLCONF = "benchmarks.baseline.urls"

# The bench never fetches static files; plain storage keeps collectstatic independent of the
# manifest post-processing (which currently fails on the vendored Bootstrap's missing
# sourceMappingURL targets: see docs/exam.md).
STORAGES = {
    **STORAGES,  # the private "essays" storage among them
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
