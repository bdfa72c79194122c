from django.core.management.base import BaseCommand

from contests.demo import seed_units_and_accounts


class Command(BaseCommand):
    help = "Seed the demo: units, roles, accounts (idempotent) and print the logins."

    def handle(self, *args, **options):
        logins = seed_units_and_accounts()
        self.stdout.write(
            "Demo: http://127.0.0.1:8000/  —  quản trị: http://127.0.0.1:8000/quan-tri/"
        )
        for username, password, what in logins:
            self.stdout.write(f"  {username} / {password}  ({what})")
