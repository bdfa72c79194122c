from django.core.management.base import BaseCommand

from devdata.services.demo_citizen import seed_demo_participant
from devdata.services.demo_clerk_setup import seed_clerk_setup_demo
from devdata.services.demo_flags import seed_flags_demo
from devdata.services.demo_identity import seed_identity_cases
from devdata.services.demo_invites import seed_invite_registrations
from devdata.services.demo_item_stats import seed_item_stats
from devdata.services.demo_live import seed_live_contest
from devdata.services.demo_practice import seed_practice_demo
from devdata.services.demo_results import seed_finished_contests
from devdata.services.demo_rich_text import seed_rich_text_demo
from devdata.services.demo_rounds import seed_weekly_contest
from devdata.services.demo_sessions import seed_sessions_demo
from devdata.services.demo_targets import seed_targets_and_roster


class Command(BaseCommand):
    help = (
        "Seed the demo citizen and a few citizens registered through unit invite links "
        "(idempotent), registered for the demo contest if it exists."
    )

    def handle(self, *args, **options):
        for line in [
            *seed_demo_participant(),
            *seed_invite_registrations(),
            *seed_identity_cases(),
            *seed_finished_contests(),
            *seed_practice_demo(),
            *seed_item_stats(),
            *seed_weekly_contest(),
            *seed_live_contest(),
            *seed_targets_and_roster(),
            *seed_rich_text_demo(),
            *seed_clerk_setup_demo(),
            *seed_flags_demo(),
            *seed_sessions_demo(),
        ]:
            self.stdout.write(line)
