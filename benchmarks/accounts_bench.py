"""Password-recovery codes per second on one process (issue 17): requests and checks through
the real views and middleware (Django's test client, in-process), against baselines measured
in the same run, and the hashing on its own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contest REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python benchmarks/accounts_bench.py

Without DATABASE_URL it uses the embedded SQLite database (migrated first). `make bench` runs
it after run.py on the bench database. Options: --seconds N (per phase, default 4).

Phases, each --seconds long, single thread (the figure is per CPU core):
- baseline page: GET of the recovery form (full middleware stack, one template, no query);
- baseline insert: one bare INSERT of a code row (the floor of any write);
- code request, registered number: POST of the form → code made, hashed, stored, SMS handed
  to the locmem backend with its delivery row (the gateway backend would only queue it);
- code request, unknown number: the same answer, nothing sent (the enumeration check by
  timing: the two medians should be close);
- code check, wrong code: POST of the code page → password rules, row locked, rule asked,
  try counted (a new code every 4 checks: the session is rewritten then, as after a request);
- code check of an exhausted code: the lock and the rule only;
- hashing alone: HMAC-SHA256 checks per second, and Django's PBKDF2 (1,000,000 iterations)
  for contrast, which is what "do not use PBKDF2 per check" avoids.
A successful reset also hashes the new password once (Argon2id, see login_bench.py: the same
cost as one login). Everything runs inside one transaction rolled back at the end; rate limits
are raised for the run (they are what a real morning rush would meet first).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.local")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import PBKDF2PasswordHasher  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from participants import services, sms  # noqa: E402
from participants.accounts import codes  # noqa: E402
from participants.accounts import services as account_services  # noqa: E402
from participants.accounts.views import SESSION_RESET  # noqa: E402
from participants.models import OneTimeCode  # noqa: E402

PASSWORD = "Bench-mat-khau-2025"  # noqa: S105
PEOPLE = 200
LIMITS = {scope: (10**9, 60) for scope in ("recovery_address", "recovery_number", "check_address")}


def measure(label: str, seconds: float, op) -> dict:
    """Run `op(i)` for `seconds`; ops per second and the median / p99 latency."""
    latencies = []
    start = time.perf_counter()
    i = 0
    while True:
        t0 = time.perf_counter()
        op(i)
        latencies.append(time.perf_counter() - t0)
        i += 1
        if time.perf_counter() - start >= seconds and i >= 20:
            break
    elapsed = time.perf_counter() - start
    latencies.sort()
    figures = {
        "label": label,
        "count": i,
        "per_s": i / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }
    print(
        f"{label:44s} {figures['count']:6d} in {elapsed:5.2f} s = {figures['per_s']:9.1f}/s"
        f"   p50 {figures['p50_ms']:7.2f} ms   p99 {figures['p99_ms']:7.2f} ms",
        flush=True,
    )
    return figures


def people() -> list[str]:
    phones = []
    for n in range(PEOPLE):
        phone = f"09{n + 10_000_000:08d}"
        services.participant_register(
            full_name=f"Nguyễn Văn Bench {n}",
            date_of_birth=datetime.date(1987, 5, 17),
            gender="male",
            document_type="cccd",
            document_number=f"001087{n + 900_000:06d}",
            phone=phone,
            password=PASSWORD,
            consent_data=True,
        )
        phones.append(phone)
    return phones


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    # The bench's database may be new (the embedded SQLite default, or `make bench`'s).
    call_command("migrate", verbosity=0)
    client = Client(HTTP_HOST="localhost")
    results = {}
    with (
        override_settings(
            ACCOUNTS_RATE_LIMITS=LIMITS,
            SMS_BACKEND="participants.sms.backends.locmem.SmsBackend",
            # The default password hashers would make creating the people slow; the bench
            # never checks their passwords.
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        phones = people()
        client.get("/thi-sinh/quen-mat-khau/")  # session and CSRF cookie (not enforced here)

        def page(i):
            assert client.get("/thi-sinh/quen-mat-khau/").status_code == 200

        def insert(i):
            OneTimeCode.objects.create(
                purpose="reset",
                code_hash="0" * 64,
                salt="0" * 32,
                expires_at=timezone.now(),
            )

        def ask(number):
            response = client.post("/thi-sinh/quen-mat-khau/", {"login": number})
            assert response.status_code == 302, response.status_code
            if len(sms.outbox) > 1000:
                sms.outbox.clear()

        def ask_registered(i):
            ask(phones[i % PEOPLE])

        def ask_unknown(i):
            ask(f"03{i % 10**8:08d}")

        pending = [account_services.recovery_request(login=p).pk for p in phones * 50]
        session = client.session
        session[SESSION_RESET] = pending[0]
        session.save()

        def check(i):
            # Four wrong checks per code, then the next code (its row's tries would run out).
            if i % 4 == 0:
                session[SESSION_RESET] = pending[(i // 4) % len(pending)]
                session.save()
            response = client.post(
                "/thi-sinh/quen-mat-khau/nhap-ma/",
                {"code": "000000", "password1": PASSWORD, "password2": PASSWORD},
            )
            assert response.status_code == 200

        def check_exhausted(i):
            # The same code again and again: after its fifth try only the lock and the rule.
            response = client.post(
                "/thi-sinh/quen-mat-khau/nhap-ma/",
                {"code": "000000", "password1": PASSWORD, "password2": PASSWORD},
            )
            assert response.status_code == 200

        salt = codes.salt_new()
        stored = codes.code_hash(code="123456", salt=salt, purpose="reset")

        def hmac_check(i):
            codes.code_matches(code="654321", salt=salt, purpose="reset", stored=stored)

        pbkdf2 = PBKDF2PasswordHasher()

        def pbkdf2_check(i):
            pbkdf2.encode("654321", salt)

        for label, op in (
            ("baseline: GET recovery form (full stack)", page),
            ("baseline: bare INSERT of a code row", insert),
            ("code request, registered number", ask_registered),
            ("code request, unknown number", ask_unknown),
            ("code check, wrong code (new code every 4)", check),
            ("code check, exhausted code (no write)", check_exhausted),
            ("hash: HMAC-SHA256 check alone", hmac_check),
            ("hash: PBKDF2 1,000,000 iterations (contrast)", pbkdf2_check),
        ):
            results[label] = measure(label, args.seconds, op)
        transaction.set_rollback(True)

    page_rate = results["baseline: GET recovery form (full stack)"]["per_s"]
    reg = results["code request, registered number"]
    unk = results["code request, unknown number"]
    chk = results["code check, wrong code (new code every 4)"]
    hmac_rate = results["hash: HMAC-SHA256 check alone"]["per_s"]
    print()
    print(f"code requests per second / baseline page:  {reg['per_s'] / page_rate:5.2f}")
    print(f"code checks per second / baseline page:    {chk['per_s'] / page_rate:5.2f}")
    print(
        f"median registered vs unknown request:      {reg['p50_ms']:.2f} ms vs "
        f"{unk['p50_ms']:.2f} ms ({reg['p50_ms'] - unk['p50_ms']:+.2f} ms)"
    )
    print(
        f"HMAC check share of a code check:          "
        f"{100 * (1 / hmac_rate) / (chk['p50_ms'] / 1000):.3f} % of its median"
    )


if __name__ == "__main__":
    main()
