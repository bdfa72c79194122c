from django.core.management.base import BaseCommand

from devdata.services.demo_citizen import seed_demo_participant


class Command(BaseCommand):
    help = "Seed the demo citizen (idempotent), registered for the demo contest if it exists."

    def handle(self, *args, **options):
        for line in seed_demo_participant():
            self.stdout.write(line)
