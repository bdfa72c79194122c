"""`manage.py simulate_contest --slug S --participants N --attempts M [--registrants R]
[--perfect-share F] [--seed K] [--questions Q] [--skip-rollups]`: a synthetic contest, then its
roll-ups; prints what was generated (with the figures a direct count must give) as JSON."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from devdata.services.simulation import contest_simulate
from reports.services.rollups import rollups_recompute


class Command(BaseCommand):
    help = "Sinh dữ liệu mô phỏng cho một cuộc thi (kiểm thử, trình diễn, đo hiệu năng)."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--participants", type=int, required=True)
        parser.add_argument("--attempts", type=int, required=True)
        parser.add_argument("--registrants", type=int, default=None)
        parser.add_argument("--perfect-share", type=float, default=0.15)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--questions", type=int, default=10)
        parser.add_argument("--skip-rollups", action="store_true")

    def handle(self, *args, **options):
        if not 0 <= options["perfect_share"] <= 1:
            raise CommandError("--perfect-share phải nằm trong khoảng 0 đến 1.")
        if options["questions"] < 1:
            raise CommandError("--questions phải lớn hơn 0.")

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
                progress=progress if options["verbosity"] > 1 else None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not options["skip_rollups"]:
            from contests.models import Contest

            report["rollups"] = rollups_recompute(contest=Contest.objects.get(slug=options["slug"]))
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
