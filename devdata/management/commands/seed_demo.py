from django.core.management.base import BaseCommand

from devdata.essays import seed_essay_contest
from devdata.services.demo import seed_demo_contest, seed_units_and_accounts


class Command(BaseCommand):
    help = "Seed the demo: units, roles, accounts and the open demo contest (idempotent)."

    def handle(self, *args, **options):
        logins = seed_units_and_accounts()
        contest = seed_demo_contest()
        self.stdout.write(
            "Demo: http://127.0.0.1:8000/  —  quản trị: http://127.0.0.1:8000/quan-tri/"
        )
        self.stdout.write(
            f"  Cuộc thi: http://127.0.0.1:8000/cuoc-thi/{contest.slug}/ "
            f"({contest.questions.filter(is_active=True).count()} câu hỏi)"
        )
        for username, password, what in logins:
            self.stdout.write(f"  {username} / {password}  ({what})")
        for line in seed_essay_contest():
            self.stdout.write(line)
