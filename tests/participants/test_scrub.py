"""Error reports without personal data (participants/scrub.py), and no reporter at all without
SENTRY_DSN."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from participants.scrub import error_event_scrub, text_scrub


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("CCCD 001087123456 đã tồn tại", "CCCD 001*****3456 đã tồn tại"),
        ("CMND 012345678", "CMND 01*****78"),
        ("hộ chiếu C1234567", "hộ chiếu C1****67"),
        ("phone=0912345678&x=1", "phone=091****678&x=1"),
        ("gọi +84912345678", "gọi 091****678"),
        ("nguyen.van.a@gmail.com viết", "***@gmail.com viết"),
        # Ids, amounts and times are not personal: left alone.
        ("attempt 1234567 of registration 20", "attempt 1234567 of registration 20"),
        ("3000000 đồng", "3000000 đồng"),
        ("2026-09-01 08:00:00", "2026-09-01 08:00:00"),
        ("00108712345678", "00108712345678"),  # 14 digits: not a document
    ],
)
def test_text_scrub(text, scrubbed):
    assert text_scrub(text) == scrubbed


def test_event_scrub_drops_personal_parts_and_masks_the_rest():
    event = {
        "message": "IntegrityError: Key (document_number)=(001087123456) already exists.",
        "exception": {"values": [{"type": "IntegrityError", "value": "(001087123456)"}]},
        "request": {
            "url": "https://cuocthi.example/thi-sinh/?phone=0912345678",
            "data": {"full_name": "Nguyễn Văn A", "document_number": "001087123456"},
            "cookies": {"sessionid": "abc"},
            "headers": {"Cookie": "sessionid=abc", "Authorization": "Bearer x", "Accept": "*/*"},
            "env": {"REMOTE_ADDR": "1.2.3.4"},
        },
        "user": {"id": 7, "username": "0912345678", "email": "a@b.vn"},
        "breadcrumbs": {"values": [{"message": "login 0912345678"}]},
    }
    out = error_event_scrub(event, {})
    assert out == {
        "message": "IntegrityError: Key (document_number)=(001*****3456) already exists.",
        "exception": {"values": [{"type": "IntegrityError", "value": "(001*****3456)"}]},
        "request": {
            "url": "https://cuocthi.example/thi-sinh/?phone=091****678",
            "headers": {"Accept": "*/*"},
        },
        "user": {"id": 7},
        "breadcrumbs": {"values": [{"message": "login 091****678"}]},
    }
    assert event["request"]["data"]["document_number"] == "001087123456"  # input untouched


def _sentry_imported(**extra_env) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "contest_site.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        **extra_env,
    }
    env.pop("SENTRY_DSN", None) if "SENTRY_DSN" not in extra_env else None
    code = "import sys, django; django.setup(); print('sentry_sdk' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def test_reporter_only_with_a_dsn():
    assert _sentry_imported() == "False"
    # A DSN to nowhere: initialised (nothing is sent until an error happens).
    assert _sentry_imported(SENTRY_DSN="https://public@127.0.0.1:9/1") == "True"
