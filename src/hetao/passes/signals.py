"""Revocation follows the account: deactivating a user revokes every code they hold."""

from django.conf import settings
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver

from .models import AccessRule


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def revoke_on_deactivation(sender, instance, **kwargs):
    if instance.pk and not instance.is_active:
        was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()
        if was_active:
            from .services import holder_revoke

            holder_revoke(user=instance, actor=None, reason="account_deactivated")


@receiver(post_delete, sender=AccessRule)
def revoke_on_rule_removal(sender, instance, **kwargs):
    """Removing a person's access right revokes their codes at once (they get a fresh code)."""
    if instance.grant == AccessRule.Grant.PERSON and instance.user_id:
        from .services import holder_revoke

        holder_revoke(user=instance.user, actor=None, reason="access_removed")
