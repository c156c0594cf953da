"""The whole demo park, loaded and cleared app by app, lowest first (each app's loader needs the ones below)."""

from django.core.management import call_command
from django.core.management.base import OutputWrapper
from django.db import transaction

from hetao.accounts.demo import clear_demo_accounts, load_demo_accounts
from hetao.challenges.demo import clear_demo_challenges, load_demo_challenges
from hetao.onestop.demo import clear_demo_applications, load_demo_applications
from hetao.passes.demo import clear_demo_passes, load_demo_passes
from hetao.registry import demo as registry_demo

is_loaded = registry_demo.is_loaded


@transaction.atomic
def load_whole_demo_park(*, scale: int = 1, stdout: OutputWrapper | None = None) -> None:
    """The registry's population, then the demo accounts (one per role, and the `demo-partner` SSO client),
    the service catalogue, the demo applications, and the gates with the community content."""
    registry_demo.load_demo_park(scale=scale)
    load_demo_accounts()
    call_command("import_services", stdout=stdout)
    load_demo_applications()
    load_demo_passes()
    load_demo_challenges()


@transaction.atomic
def clear_whole_demo_park() -> None:
    """For `load_demo_park --reset`: highest first, since the lower records are protected by the higher ones."""
    clear_demo_challenges()
    clear_demo_passes()
    clear_demo_applications()
    clear_demo_accounts()
    registry_demo.clear_registry()
