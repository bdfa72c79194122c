"""`manage.py contest_figures <slug> [--unit CODE] [--round N] [--json]`: the figures of a
contest (or of a unit's subtree) from the roll-ups, as text or JSON."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from contests.models import Contest, Round, Unit
from reports import selectors


class Command(BaseCommand):
    help = "In số liệu tổng hợp của một cuộc thi (hoặc một đơn vị và các đơn vị trực thuộc)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--unit", default=None, help="Mã đơn vị (mặc định: cả cuộc thi).")
        parser.add_argument("--round", type=int, default=None, help="Số thứ tự vòng thi.")
        parser.add_argument("--top", type=int, default=10)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        contest = Contest.objects.filter(slug=options["slug"]).first()
        if contest is None:
            raise CommandError(f"Không có cuộc thi “{options['slug']}”.")
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            root = contest.participation_root
            if unit is None or not unit.path.startswith(root.path):
                raise CommandError(f"Đơn vị “{options['unit']}” không thuộc cuộc thi này.")
        round_ = None
        if options["round"] is not None:
            round_ = Round.objects.filter(contest=contest, number=options["round"]).first()
            if round_ is None:
                raise CommandError(f"Cuộc thi không có vòng {options['round']}.")
        figures = selectors.contest_figures(
            contest=contest, unit=unit, round_=round_, top=options["top"]
        )
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
            return
        with translation.override("vi"):
            self.stdout.write(selectors.summary_text(contest=contest, unit=unit))
            for key in selectors.FIGURES:
                self.stdout.write(f"{key}: {figures[key]}")
