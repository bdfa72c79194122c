"""Certificates benchmark (not a test): 10,000 winners' certificates made by one worker process
(the service `certificate_job_run` called in-process, no Celery), through the real storage
(FileSystemStorage in a temporary MEDIA_ROOT) and the real database.

1. a fresh contest whose published snapshot (version 1) has `--winners` prize rows (people with
   Vietnamese names of realistic length, in 30 wards);
2. one job run: certificates per second (target ≥ 50), wall time, mean PDF size, peak memory of
   this process (ru_maxrss), queries;
3. a second run of the same job (idempotence: nothing made, the time to check 10,000).

Usage (PostgreSQL, as in production; the database is created if missing and migrated):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/contest_cert_bench \\
    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python benchmarks/certificates_bench.py
Prints one JSON object with the figures (benchmarks/README.md)."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contest_site.settings.local")
os.environ.setdefault("DEBUG", "False")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="certificates-bench-")

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = ["Văn", "Thị", "Minh", "Hữu", "Ngọc", "Thanh", "Đức", "Thu"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hằng", "Hưởng", "Khánh", "Ngưỡng", "Phượng", "Yến"]


def build(winners: int):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from contests.models import Contest, Unit
    from contests.services.units import unit_add
    from participants.models import Participant, Registration
    from scoring.models import ResultsSnapshot

    stamp = int(time.time())
    city = unit_add(code=f"BENCH{stamp}", name="Thành phố Hà Nội", kind=Unit.Kind.PROVINCE)
    wards = [
        unit_add(
            code=f"BENCH{stamp}-{i}",
            name=f"Phường Thượng Đình số {i}, Quận Thanh Xuân",
            kind=Unit.Kind.WARD,
            parent=city,
        )
        for i in range(30)
    ]
    now = datetime.datetime.now(datetime.UTC)
    contest = Contest.objects.create(
        owner_unit=city,
        participation_root=city,
        slug=f"bench-chung-nhan-{stamp}",
        title="Cuộc thi trực tuyến tìm hiểu Nghị định 59/2022/NĐ-CP về định danh và xác thực "
        "điện tử",
        opens_at=now - datetime.timedelta(days=40),
        closes_at=now - datetime.timedelta(days=10),
        status=Contest.Status.RESULTS_PUBLISHED,
    )
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"b{stamp}-{i}", password=make_password(None)) for i in range(winners)],
        batch_size=2000,
    )
    people = Participant.objects.bulk_create(
        [
            Participant(
                user=user,
                full_name=f"{FAMILY[i % 10]} {MIDDLE[i // 10 % 8]} {GIVEN[i // 80 % 10]}",
                date_of_birth=datetime.date(1990, 1, 1),
                gender="female",
                document_type="cccd",
                document_number=f"{stamp % 1_000_000:06d}{i:06d}",
                phone=f"+849{stamp % 10_000:04d}{i:05d}",
            )
            for i, user in enumerate(users)
        ],
        batch_size=2000,
    )
    registrations = Registration.objects.bulk_create(
        [
            Registration(
                contest=contest,
                participant=person,
                unit=wards[i % 30],
                document_type="cccd",
                document_number=person.document_number,
                age_on_reference=33,
                age_group="18+",
                consent_participation=True,
                consent_publish=True,
            )
            for i, person in enumerate(people)
        ],
        batch_size=2000,
    )
    rows = [
        {
            "structure": "Giải thành phố",
            "structure_id": 1,
            "unit_scope": "",
            "kind": "individual",
            "tier": "Giải Khuyến khích",
            "rank_order": 4,
            "position": i + 1,
            "amount": 500_000,
            "winner_name": r.participant.full_name,
            "public_name": r.participant.full_name,
            "registration_id": r.pk,
            "unit_code": r.unit.code,
            "unit_name": r.unit.name,
        }
        for i, r in enumerate(registrations)
    ]
    ResultsSnapshot.objects.create(contest=contest, version=1, prizes=rows, budget={})
    return contest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--winners", type=int, default=10_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from scoring.certificates_pdf import CertificateFacts, certificate_pdf
    from scoring.models import Certificate, CertificateJob
    from scoring.selectors.results import snapshot_latest
    from scoring.services.certificates import certificate_job_run

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    contest = build(args.winners)
    build_s = time.perf_counter() - started
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def run():
        job = CertificateJob.objects.create(
            contest=contest, snapshot=snapshot_latest(contest=contest), base_url="https://thi.vn"
        )
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            t0 = time.perf_counter()
            job = certificate_job_run(job_id=job.pk)
            seconds = time.perf_counter() - t0
        return job, seconds, count[0]

    # The PDF alone, same process, same moment: the share of the machine this run had (the
    # machine is shared; compare runs by this ratio, README "The machine is shared").
    facts = CertificateFacts(
        contest_title=contest.title,
        full_name="Nguyễn Thị Hằng Ngưỡng",
        unit_name="Phường Thượng Đình số 1, Quận Thanh Xuân",
        award="Giải Khuyến khích — Giải thành phố",
        issued_on="06/12/2025",
        organiser_name="Thành phố Hà Nội",
        verify_url="https://thi.vn/bai-thi/chung-nhan/AbCdEfGhIjKlMnOpQrStUv/",
        code="AbCdEfGhIjKlMnOpQrStUv",
    )
    t0 = time.perf_counter()
    for _ in range(200):
        certificate_pdf(facts)
    pdf_ms = (time.perf_counter() - t0) * 1000 / 200

    job, seconds, queries = run()
    sizes = [
        os.path.getsize(c.file.path) for c in Certificate.objects.filter(contest=contest)[:500]
    ]
    again, again_s, again_queries = run()
    figures = {
        "winners": args.winners,
        "build_s": round(build_s, 1),
        "status": job.status,
        "made": job.created,
        "seconds": round(seconds, 1),
        "certificates_per_s": round(job.created / seconds, 1),
        "target_per_s": 50,
        "ms_per_certificate": round(seconds * 1000 / max(job.created, 1), 2),
        "pdf_alone_ms": round(pdf_ms, 2),
        "queries": queries,
        "mean_pdf_kb": round(sum(sizes) / len(sizes) / 1024, 1),
        "peak_rss_mb_before_run": round(rss_before / 1024, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rerun_made": again.created,
        "rerun_seconds": round(again_s, 2),
        "rerun_queries": again_queries,
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
