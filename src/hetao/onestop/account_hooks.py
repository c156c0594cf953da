"""What onestop does when an account is erased (registered from OnestopConfig.ready()).

Accounts sits below onestop and never imports it; hetao.accounts.privacy.deletion_carry_out calls this through
hetao.accounts.hooks, inside its transaction, before the account's row is deleted.
"""

from django.db import transaction

from hetao.accounts.hooks import on_user_erased
from hetao.accounts.privacy import stand_in_account

from .formdef import personal_field_ids
from .models import Application, Rating, StoredDocument


@on_user_erased
def keep_submitted_applications(*, actor, user, pseudonym: str) -> dict:
    """Submitted applications (and their documents) move to a stand-in that cannot sign in, without the answers
    that identify the applicant; drafts go; the locker's other files are removed once the deletion commits."""
    applications = Application.objects.filter(applicant=user).select_related("service_version")
    drafts = [a.pk for a in applications if a.reference is None]
    Application.objects.filter(pk__in=drafts).delete()
    kept = list(applications.exclude(pk__in=drafts))
    documents = set()
    for application in kept:
        personal = personal_field_ids(application.definition)
        documents |= {v["document"] for v in application.data.values() if isinstance(v, dict) and "document" in v}
        application.data = {k: None if k in personal else v for k, v in application.data.items()}
        application.prefill_consent = []
        application.save(update_fields=["data", "prefill_consent"])
    Rating.objects.filter(application__in=kept).update(comment="")
    files = [d.file.name for d in user.stored_documents.exclude(pk__in=documents) if d.file]
    storage = StoredDocument._meta.get_field("file").storage

    def remove_files() -> None:
        for name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
    if kept:
        stand_in = stand_in_account(user=user, pseudonym=pseudonym)
        Application.objects.filter(pk__in=[a.pk for a in kept]).update(applicant=stand_in)
        StoredDocument.objects.filter(owner=user, pk__in=documents).update(owner=stand_in)
    return {"applications_kept": len(kept)}
