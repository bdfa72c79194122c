"""Storage settings and races: the S3/MinIO switch by environment, files never under a URL,
and two submissions at once (one entry, submitted once)."""

import json
import os
import subprocess
import sys
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from essays.models import Entry
from tests.essays import entries_support as support

contest = support.contest
essay_files = support.essay_files
task = support.task
registration = support.registration

PROBE = """
import django, json
django.setup()
from django.core.files.storage import storages
from django.conf import settings
s = storages["essays"]
print(json.dumps({"cls": type(s).__module__ + "." + type(s).__name__,
                  "bucket": getattr(s, "bucket_name", None),
                  "endpoint": getattr(s, "endpoint_url", None),
                  "acl": getattr(s, "default_acl", None),
                  "accel": settings.ESSAYS_X_ACCEL_REDIRECT}))
"""


def probe(**env) -> dict:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "contest_site.settings.test", **env}
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_local_files_by_default():
    seen = probe(ESSAYS_S3_BUCKET="", ESSAYS_X_ACCEL_REDIRECT="")
    assert seen["cls"] == "essays.storage.PrivateFileSystemStorage"
    assert seen["accel"] == ""


def test_s3_minio_by_environment():
    seen = probe(
        ESSAYS_S3_BUCKET="bai-du-thi",
        ESSAYS_S3_ENDPOINT_URL="http://minio.local:9000",
        ESSAYS_X_ACCEL_REDIRECT="/_essays/",
    )
    assert seen == {
        "cls": "storages.backends.s3.S3Storage",
        "bucket": "bai-du-thi",
        "endpoint": "http://minio.local:9000",
        "acl": "private",
        "accel": "/_essays/",
    }


@pytest.mark.django_db
def test_files_have_no_url(task, registration):
    from django.core.files.storage import storages

    with pytest.raises(ValueError):
        storages["essays"].url("essays/1/x.pdf")


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once(task, registration):
    """Two tabs submit at the same moment: one entry, submitted once; the other is refused
    (or finds it submitted) and changes nothing."""
    url = reverse("essays:task", args=[task.pk])
    user = registration.participant.user
    barrier = threading.Barrier(2)
    statuses = []

    def post(text):
        client = Client()
        client.force_login(user)
        barrier.wait()
        response = client.post(url, {"action": "submit", "confirm": "on", "text": text})
        statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=post, args=(t,)) for t in ("Bài một", "Bài hai khác")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 400]
    entry = Entry.objects.get()
    assert entry.status == "submitted" and entry.text in ("Bài một", "Bài hai khác")
