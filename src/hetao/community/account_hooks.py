"""What community does when an account is erased (registered from CommunityConfig.ready()).

Accounts sits below community and never imports it; hetao.accounts.privacy.deletion_carry_out calls this through
hetao.accounts.hooks, inside its transaction, before the account's row is deleted.
"""

from hetao.accounts.hooks import on_user_erased
from hetao.accounts.models import User

from .models import InterestGroup, Registration
from .services import event_cancel, group_member_remove


@on_user_erased
def give_up_places_and_groups(*, actor: User, user: User, pseudonym: str) -> dict[str, int]:
    """Places on events are cancelled (the next on the waiting list gets a freed place, and is told); group
    memberships end, so the groups' member counts stay exact."""
    for registration in user.event_registrations.exclude(status=Registration.Status.CANCELLED):
        event_cancel(actor=user, registration=registration)
    for group in InterestGroup.objects.filter(members=user):
        group_member_remove(actor=actor, group=group, user=user)
    return {}
