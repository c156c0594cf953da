"""Tell department heads about applications past their step's time limit (run every hour from cron or a
scheduler; `make run` users can run it by hand). Each application is escalated once per step."""

from django.core.management.base import BaseCommand

from hetao.onestop.services import escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue applications to the heads of the responsible departments."

    def handle(self, *args, **options):
        self.stdout.write(f"Escalated {escalate_overdue()} overdue application(s).")
