"""Import units into the tree: `--xlsx PATH [--parent CODE]` or `--province CODE`.

Prints the report; exits non-zero (CommandError) when the file has errors, after printing every
error on stderr. Nothing is written unless the whole file is valid."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from contests.models import Unit
from contests.services.unit_import import units_import_province, units_import_xlsx


class Command(BaseCommand):
    help = (
        "Import units from an .xlsx (columns: code, name, parent code, kind, headcount) or one "
        "province and its communes/wards from the vietnam-provinces package."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--xlsx", metavar="PATH", help="the .xlsx file to import")
        source.add_argument(
            "--province",
            metavar="CODE",
            help="official province code since 1/7/2025, e.g. 01 (Hà Nội), 79 (TP Hồ Chí Minh)",
        )
        parser.add_argument(
            "--parent",
            metavar="CODE",
            help="code of the unit that rows with an empty parent code (or the province) go "
            "under; without it they become roots",
        )

    def handle(self, *args, xlsx=None, province=None, parent=None, **options):
        parent_unit = None
        if parent:
            parent_unit = Unit.objects.filter(code=parent).first()
            if parent_unit is None:
                raise CommandError(_("Không có đơn vị mã «%(code)s».") % {"code": parent})
        if xlsx:
            try:
                with open(xlsx, "rb") as file:
                    report = units_import_xlsx(file=file, parent=parent_unit)
            except OSError as exc:
                raise CommandError(_("Không đọc được tệp %(path)s.") % {"path": xlsx}) from exc
        else:
            report = units_import_province(province_code=province, parent=parent_unit)
        if not report.ok:
            for line in report.error_lines():
                self.stderr.write(line)
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
