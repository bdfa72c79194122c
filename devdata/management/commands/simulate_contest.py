"""`manage.py simulate_contest --slug S (--participants N --attempts M [--registrants R]
[--perfect-share F] [--questions Q] | --splits FILE [--scale X]) [--seed K] [--skip-rollups]`:
a synthetic contest, then its roll-ups; prints what was generated (with the figures a direct
count must give) as JSON.

The seed reports' figures, exactly (`devdata/data/*.json`, see `devdata.services.splits`):

    manage.py simulate_contest --slug ha-noi --splits devdata/data/seed_000_hanoi_2023.json
    manage.py simulate_contest --slug bac-giang --splits devdata/data/seed_002_bac_giang_2023.json

(1.5 M people and 3 M attempts for the first: minutes on PostgreSQL; `--scale 0.001` for a
thousandth, as tests/devdata/test_simulation.py does.)"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from devdata.services.simulation import contest_simulate
from devdata.services.splits import splits_load, splits_scaled
from reports.services.rollups import rollups_recompute


class Command(BaseCommand):
    help = "Sinh dữ liệu mô phỏng cho một cuộc thi (kiểm thử, trình diễn, đo hiệu năng)."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--participants", type=int, default=None)
        parser.add_argument("--attempts", type=int, default=None)
        parser.add_argument("--registrants", type=int, default=None)
        parser.add_argument("--perfect-share", type=float, default=0.15)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--questions", type=int, default=10)
        parser.add_argument("--splits", default=None, help="Tệp JSON số liệu tách (devdata/data).")
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--skip-rollups", action="store_true")

    def handle(self, *args, **options):
        if not 0 <= options["perfect_share"] <= 1:
            raise CommandError("--perfect-share phải nằm trong khoảng 0 đến 1.")
        if options["questions"] < 1:
            raise CommandError("--questions phải lớn hơn 0.")
        if not 0 < options["scale"] <= 1:
            raise CommandError("--scale phải lớn hơn 0 và không quá 1.")
        splits = None
        if options["splits"]:
            try:
                splits = splits_scaled(splits_load(options["splits"]), options["scale"])
            except (OSError, ValueError, KeyError) as exc:
                raise CommandError(f"Không đọc được tệp số liệu tách: {exc}") from exc
        elif options["participants"] is None or options["attempts"] is None:
            raise CommandError("Cần --participants và --attempts, hoặc --splits.")

        def progress(done, total):
            sys.stderr.write(f"{done}/{total}\n")

        try:
            report = contest_simulate(
                slug=options["slug"],
                participants=options["participants"],
                attempts=options["attempts"],
                registrants=options["registrants"],
                perfect_share=options["perfect_share"],
                seed=options["seed"],
                questions=options["questions"],
                splits=splits,
                progress=progress if options["verbosity"] > 1 else None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not options["skip_rollups"]:
            from contests.models import Contest

            report["rollups"] = rollups_recompute(contest=Contest.objects.get(slug=options["slug"]))
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
