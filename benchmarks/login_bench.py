"""Logins per second: the project's hasher (Argon2id, OWASP minimum m=19 MiB, t=2, p=1) against
Django's default PBKDF2-SHA256 (1,000,000 iterations in Django 5.2), in the same run.

Each login is a real `authenticate()` through the project's backends (django-axes, then the
phone/document backend), for a real participant created inside a transaction that is rolled
back at the end. Single thread: the figure is per CPU core.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contest \
        .venv/bin/python benchmarks/login_bench.py

Without DATABASE_URL it uses the embedded SQLite database (run `manage.py migrate` first).
Options: --seconds N (time per hasher, default 3).
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.local")

import django  # noqa: E402

django.setup()

from django.contrib.auth import authenticate  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402

from participants import services  # noqa: E402

PASSWORD = "Bench-mat-khau-2025"  # noqa: S105
HASHERS = {
    "Argon2id OWASP (m=19 MiB, t=2, p=1)": "participants.hashers.OwaspArgon2PasswordHasher",
    "PBKDF2-SHA256 (Django default)": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
}


def measure(hasher: str, seconds: float, user) -> tuple[int, float]:
    factory = RequestFactory()
    with override_settings(PASSWORD_HASHERS=[hasher]):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        count, start = 0, time.perf_counter()
        while True:
            request = factory.post("/thi-sinh/dang-nhap/", REMOTE_ADDR="10.1.2.3")
            logged = authenticate(request, username="0912 345 678", password=PASSWORD)
            assert logged is not None and logged.pk == user.pk
            count += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds and count >= 5:
                return count, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    results = {}
    with transaction.atomic():
        participant = services.participant_register(
            full_name="Nguyễn Văn Bench",
            date_of_birth=datetime.date(1987, 5, 17),
            gender="male",
            document_type="cccd",
            document_number="001087999999",
            phone="0912345678",
            password=PASSWORD,
            consent_data=True,
        )
        for label, hasher in HASHERS.items():
            count, elapsed = measure(hasher, args.seconds, participant.user)
            results[label] = count / elapsed
            print(
                f"{label:40s} {count:5d} logins in {elapsed:5.2f} s = "
                f"{count / elapsed:8.1f} logins/s/core ({1000 * elapsed / count:6.1f} ms each)"
            )
        transaction.set_rollback(True)
    argon, pbkdf2 = results.values()
    print(f"ratio Argon2id / PBKDF2: {argon / pbkdf2:.1f}x (target >= 5x)")


if __name__ == "__main__":
    main()
