"""Every write of bids (团队揭榜): start, save, members (invite, respond, remove), budget, milestones, documents,
submit, withdraw, the emergency opening of a sealed bid, and clarifications.

Keyword-only, permission-checked (BID workflow and the rules in permissions.py), the bid's row locked, audited
(`challenges.bid.<verb>`); notifications go out after commit in each recipient's language. Where two requests
can race the database decides: one live bid per lead and challenge, one membership per email and per account.
Amounts are Decimal, never float; a bid's currency is its challenge's.
"""

import hashlib
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hetao.accounts.models import User
from hetao.audit.service import audit_record
from hetao.community.services import notify
from hetao.core.links import absolute_url
from hetao.core.permissions import require
from hetao.core.roles import is_org_member

from ..documents import PdfUnreadable, pdf_author_metadata
from ..models import (
    Bid,
    BidDocument,
    BidMember,
    BidMilestone,
    BidStatus,
    BudgetCategory,
    BudgetLine,
    Challenge,
    ChallengeStatus,
    Clarification,
    MemberStatus,
)
from ..workflow import BID

__all__ = ["EDITABLE_FIELDS", "MAX_DOCUMENT_BYTES", "MAX_DOCUMENTS", "bid_save", "bid_start", "bid_submit",
           "bid_unseal", "bid_withdraw", "budget_set", "clarification_answer", "clarification_ask", "deadline_text",
           "document_add", "member_invite", "member_remove", "member_respond", "milestones_set", "money",
           "owns_email"]

# What the lead may change in a draft (members, budget, milestones and documents have their own services).
EDITABLE_FIELDS = ("team_name", "organisation", "entity_to_register", "summary", "approach", "work_plan",
                   "declares_no_other_conflicts", "declared_conflicts", "declares_truthful")
# Left empty in a draft; required to submit.
DRAFT_OPTIONAL = ("summary", "approach", "work_plan")
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 20
MAX_LINES = 100
NOTIFY_KIND = "application"


# ── Helpers ──────────────────────────────────────────────────────────────────────────────────────────────────


def money(amount: Decimal, currency: str) -> str:
    """'CNY 5,000,000.00'."""
    return f"{currency} {amount:,.2f}"


def deadline_text(challenge: Challenge) -> str:
    """The deadline in server time, e.g. '2024-06-30 17:00 CST'."""
    return timezone.localtime(challenge.closes_at).strftime("%Y-%m-%d %H:%M %Z").strip()


def owns_email(user: Any, email: str) -> bool:
    """The account's own email, or one of its verified addresses (case-insensitive)."""
    email = (email or "").strip().lower()
    if not email or user is None or not getattr(user, "is_authenticated", False):
        return False
    if (user.email or "").strip().lower() == email:
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def _account_for(email: str) -> User | None:
    user = User.objects.filter(email__iexact=email, is_active=True).order_by("id").first()
    if user is not None:
        return user
    address = (EmailAddress.objects.filter(email__iexact=email, verified=True, user__is_active=True)
               .select_related("user").order_by("id").first())
    return address.user if address is not None else None


def _field_error(field: str, message: str, code: str) -> ValidationError:
    """A refusal of one field that keeps its code (tests and clients tell refusals apart by it)."""
    return ValidationError({field: ValidationError(message, code=code)})


def _lock(bid: Bid) -> Bid:
    return Bid.objects.select_for_update(of=("self",)).select_related("challenge").get(pk=bid.pk)


def _audit_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def _name_of(user: User) -> str:
    return user.get_full_name().strip() or user.username


def _team_users(bid: Bid) -> list[User]:
    members = BidMember.objects.filter(bid=bid, status=MemberStatus.CONFIRMED, user__isnull=False,
                                       user__is_active=True).select_related("user")
    users: dict[int, User] = {m.user.pk: m.user for m in members if m.user is not None}
    return list(users.values())


def _validate(bid: Bid) -> None:
    """The model's own checks; a draft may still lack its texts."""
    exclude = list(DRAFT_OPTIONAL) if bid.status == BidStatus.DRAFT else []
    bid.full_clean(exclude=exclude, validate_constraints=False)


def _check_entity(actor: User, bid: Bid) -> None:
    """A registry organisation the lead belongs to, or the name of the entity the team will register."""
    if bid.organisation_id and bid.organisation is not None and not is_org_member(actor, bid.organisation):
        raise ValidationError({"organisation": _("Choose an organisation you are a member of, or name the entity "
                                                 "the team will register.")})


def _check_deadline(challenge: Challenge, message: str) -> None:
    if timezone.now() >= challenge.closes_at:
        raise ValidationError(message % {"deadline": deadline_text(challenge)}, code="deadline_passed")


# ── Start and save ───────────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def bid_start(*, actor: User, challenge: Challenge, team_name: str, **fields: Any) -> Bid:
    """A draft bid by `actor` (its lead, a confirmed member). One live bid per lead and challenge: when two
    requests race, the database's partial unique constraint decides."""
    challenge = Challenge.objects.get(pk=challenge.pk)  # the current status and deadline
    require(actor, "challenges.bid", challenge)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be set: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    bid = Bid(challenge=challenge, lead=actor, team_name=(team_name or "").strip(), currency=challenge.currency,
              status=BidStatus.DRAFT, **{k: v.strip() if isinstance(v, str) else v for k, v in fields.items()})
    if not bid.team_name:
        raise ValidationError({"team_name": _("Give the team a name.")})
    _check_entity(actor, bid)
    _validate(bid)
    try:
        with transaction.atomic():
            bid.save()
    except IntegrityError:
        raise ValidationError(_("You already have a bid for this challenge: open it from “My bids”."),
                              code="duplicate_bid") from None
    BidMember.objects.create(bid=bid, user=actor, email=(actor.email or f"user-{actor.pk}@invalid").lower(),
                             name=_name_of(actor), role=_("Team lead"), is_lead=True,
                             status=MemberStatus.CONFIRMED, responded_at=timezone.now())
    audit_record(actor=actor, action="challenges.bid.start", target=bid,
                 changes={"challenge": challenge.code, "status": BidStatus.DRAFT})
    return bid


@transaction.atomic
def bid_save(*, actor: User, bid: Bid, **fields: Any) -> Bid:
    """The lead changes the draft's fields."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s")
                              % {"fields": ", ".join(sorted(unknown))})
    bid = _lock(bid)
    BID.begin(actor, bid, "save")
    changes = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        column = "organisation_id" if name == "organisation" else name
        old = getattr(bid, column)
        setattr(bid, name, value)
        if getattr(bid, column) != old:
            changes[name] = [_audit_value(old), _audit_value(value)]
    if not bid.team_name:
        raise ValidationError({"team_name": _("Give the team a name.")})
    if "organisation" in changes:
        _check_entity(actor, bid)
    _validate(bid)
    if not changes:
        return bid
    bid.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=actor, action="challenges.bid.save", target=bid, changes=changes)
    return bid


# ── Members ──────────────────────────────────────────────────────────────────────────────────────────────────


def _invitation_sent(member: BidMember, bid: Bid, lead: User) -> None:
    """Tell the invited person: in the inbox when they have an account, else by email (after commit) in the
    language of the lead who invited them."""
    path = reverse("challenges:invitation", kwargs={"token": str(member.token)})
    params = {"lead": _name_of(lead), "team": bid.team_name, "code": bid.challenge.code}

    def render() -> tuple[str, str]:
        return (_("%(lead)s invites you to join the team “%(team)s” bidding for %(code)s") % params,
                _("Open the invitation to accept or decline it."))

    if member.user is not None:
        notify(users=[member.user], kind=NOTIFY_KIND, url=path, render=render)
        return
    email, language = member.email, translation.get_language() or settings.LANGUAGE_CODE

    def send() -> None:
        with translation.override(language):
            subject, body = render()
            link = absolute_url(path, language=language)
            text = "\n\n".join([body, link, _("Sign in, or create an account with this email address, to "
                                                "answer.")])
        send_mail(str(subject), text, None, [email], fail_silently=False)

    transaction.on_commit(send)


@transaction.atomic
def member_invite(*, actor: User, bid: Bid, email: str, name: str, role: str = "") -> BidMember:
    """Invite a member by email; a park account with that email (or a verified address) is linked at once.
    The same email or account twice is refused (the database's unique constraints decide)."""
    bid = _lock(bid)
    BID.begin(actor, bid, "save")
    email, name, role = (email or "").strip().lower(), (name or "").strip(), (role or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    if not name:
        errors["name"] = [_("Give the member's name.")]
    if errors:
        raise ValidationError(errors)
    user = _account_for(email)
    member = BidMember(bid=bid, user=user, email=email, name=name, role=role, status=MemberStatus.INVITED)
    member.full_clean(exclude=["bid", "user"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise _field_error("email", _("This person is already on the team."), "duplicate_member") from None
    audit_record(actor=actor, action="challenges.bid.member_invite", target=bid,
                 changes={"member": member.pk, "account": user.pk if user else None})
    _invitation_sent(member, bid, actor)
    return member


@transaction.atomic
def member_remove(*, actor: User, member: BidMember) -> None:
    bid = _lock(member.bid)
    BID.begin(actor, bid, "save")
    member = BidMember.objects.select_for_update().get(pk=member.pk, bid=bid)
    if member.is_lead:
        raise ValidationError(_("The team lead cannot be removed."), code="lead")
    audit_record(actor=actor, action="challenges.bid.member_remove", target=bid,
                 changes={"member": member.pk, "status": member.status})
    member.delete()


@transaction.atomic
def member_respond(*, actor: User, member: BidMember, accept: bool) -> BidMember:
    """The invited person (signed in, owning the invited email) accepts or declines; the lead is told."""
    bid = _lock(member.bid)
    member = BidMember.objects.select_for_update().get(pk=member.pk)
    if not owns_email(actor, member.email):
        raise PermissionDenied("challenges.member_respond")
    if member.status != MemberStatus.INVITED:
        raise ValidationError(_("You have already answered this invitation."), code="answered")
    if bid.status != BidStatus.DRAFT:
        raise ValidationError(_("This bid no longer takes new members."), code="closed")
    member.user = actor
    member.status = MemberStatus.CONFIRMED if accept else MemberStatus.DECLINED
    member.responded_at = timezone.now()
    try:
        with transaction.atomic():
            member.save(update_fields=["user", "status", "responded_at"])
    except IntegrityError:
        raise ValidationError(_("You are already a member of this team."), code="duplicate_member") from None
    audit_record(actor=actor, action="challenges.bid.member_respond", target=bid,
                 changes={"member": member.pk, "status": member.status})
    params = {"name": member.name, "team": bid.team_name}

    def render() -> tuple[str, str]:
        title = (_("%(name)s joined the team “%(team)s”") if accept
                 else _("%(name)s declined to join the team “%(team)s”"))
        return title % params, ""

    notify(users=[bid.lead], kind=NOTIFY_KIND, url=bid.get_absolute_url(), render=render)
    return member


# ── Budget and milestones ────────────────────────────────────────────────────────────────────────────────────


def _amount(value: Any) -> Decimal:
    """A positive amount with at most 2 decimals, from a Decimal, an int or a string; never a float."""
    if isinstance(value, (bool, float)):
        raise ValueError(_("Give the amount as a decimal number written as text, e.g. “1200000.00”."))
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": str(value)[:40]}) from None
    if not amount.is_finite():
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": str(value)[:40]})
    if amount <= 0:
        raise ValueError(_("Each amount must be more than zero."))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("Amounts have at most two decimal places."))
    if amount >= Decimal("1e12"):
        raise ValueError(_("This amount is too large."))
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def budget_set(*, actor: User, bid: Bid, lines: list[dict]) -> list[BudgetLine]:
    """Replace the budget's lines at once; the total (in the challenge's currency) must not pass its ceiling."""
    bid = _lock(bid)
    BID.begin(actor, bid, "save")
    if not isinstance(lines, (list, tuple)) or len(lines) > MAX_LINES:
        raise ValidationError({"lines": _("Give at most %(n)d budget lines.") % {"n": MAX_LINES}})
    made: list[BudgetLine] = []
    errors: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, dict):
            errors.append(_("Line %(n)d: not a budget line.") % {"n": number})
            continue
        category = str(line.get("category") or "")
        description = str(line.get("description") or "").strip()
        if category not in BudgetCategory.values:
            errors.append(_("Line %(n)d: choose a category.") % {"n": number})
        if not description:
            errors.append(_("Line %(n)d: describe what the money is for.") % {"n": number})
        elif len(description) > 500:
            errors.append(_("Line %(n)d: the description is longer than 500 characters.") % {"n": number})
        try:
            amount = _amount(line.get("amount"))
        except ValueError as error:
            errors.append(_("Line %(n)d: %(error)s") % {"n": number, "error": error})
            continue
        made.append(BudgetLine(bid=bid, category=category, description=description, amount=amount,
                               order=number - 1))
    if errors:
        raise ValidationError({"lines": errors})
    total = sum((line.amount for line in made), Decimal("0.00"))
    ceiling = bid.challenge.budget_ceiling
    if total > ceiling:
        raise ValidationError({"lines": _("The budget totals %(total)s, over the challenge's ceiling of "
                                          "%(ceiling)s.") % {"total": money(total, bid.currency),
                                                             "ceiling": money(ceiling, bid.challenge.currency)}},
                              code="over_ceiling")
    old_total = bid.budget_total
    BudgetLine.objects.filter(bid=bid).delete()
    made = BudgetLine.objects.bulk_create(made)
    bid.budget_total = total
    bid.save(update_fields=["budget_total", "updated_at"])
    audit_record(actor=actor, action="challenges.bid.budget", target=bid,
                 changes={"budget_total": [str(old_total), str(total)], "lines": len(made)})
    return made


@transaction.atomic
def milestones_set(*, actor: User, bid: Bid, milestones: list[dict]) -> list[BidMilestone]:
    """Replace the work plan's milestones at once; each due in a month of the challenge's duration."""
    bid = _lock(bid)
    BID.begin(actor, bid, "save")
    duration = bid.challenge.duration_months
    if not isinstance(milestones, (list, tuple)) or len(milestones) > MAX_LINES:
        raise ValidationError({"milestones": _("Give at most %(n)d milestones.") % {"n": MAX_LINES}})
    made: list[BidMilestone] = []
    errors: list[str] = []
    for number, item in enumerate(milestones, start=1):
        if not isinstance(item, dict):
            errors.append(_("Milestone %(n)d: not a milestone.") % {"n": number})
            continue
        title = str(item.get("title") or "").strip()
        deliverable = str(item.get("deliverable") or "").strip()
        month = item.get("month")
        if isinstance(month, str) and month.strip().isdigit():
            month = int(month.strip())
        if not title or len(title) > 300:
            errors.append(_("Milestone %(n)d: give a title (at most 300 characters).") % {"n": number})
        if not deliverable or len(deliverable) > 3000:
            errors.append(_("Milestone %(n)d: say what is delivered and how it is verified (at most 3000 "
                            "characters).") % {"n": number})
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= duration:
            errors.append(_("Milestone %(n)d: the month must be between 1 and %(duration)d (the challenge's "
                            "duration).") % {"n": number, "duration": duration})
            continue
        made.append(BidMilestone(bid=bid, title=title, month=month, deliverable=deliverable, order=number - 1))
    if errors:
        raise ValidationError({"milestones": errors})
    BidMilestone.objects.filter(bid=bid).delete()
    made = BidMilestone.objects.bulk_create(made)
    bid.save(update_fields=["updated_at"])
    audit_record(actor=actor, action="challenges.bid.milestones", target=bid, changes={"milestones": len(made)})
    return made


# ── Documents ────────────────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def document_add(*, actor: User, bid: Bid, title: str, upload: UploadedFile) -> BidDocument:
    """Attach a PDF (≤ 10 MB, checked by its content, not its name). Author metadata is warned about: the team
    sees the warning; reviewers in the blind phase get the file without metadata."""
    import filetype

    bid = _lock(bid)
    BID.begin(actor, bid, "save")
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ValidationError({"title": _("Say what the document is (at most 200 characters).")})
    if BidDocument.objects.filter(bid=bid).count() >= MAX_DOCUMENTS:
        raise ValidationError({"upload": _("A bid has at most %(n)d documents.") % {"n": MAX_DOCUMENTS}})
    if upload is None or (upload.size or 0) > MAX_DOCUMENT_BYTES:
        raise _field_error("upload", _("Attach a PDF of at most 10 MB."), "too_large")
    upload.seek(0)
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _field_error("upload", _("Attach a PDF of at most 10 MB."), "too_large")
    kind = filetype.guess(data)
    if not data or kind is None or kind.mime != "application/pdf":
        raise _field_error("upload", _("Only PDF files can be attached."), "not_pdf")
    try:
        found = pdf_author_metadata(data)
    except PdfUnreadable:
        raise _field_error("upload", _("This PDF cannot be read, or it is protected by a password."),
                           "unreadable") from None
    warning = ""
    if found:
        warning = _("This PDF names its author: %(values)s. Reviewers in the blind phase get it without "
                    "metadata, but check that the pages themselves do not name the team.") % {
            "values": "; ".join(found)[:1500]}
    original = "".join(c for c in PurePath(upload.name or "").name if c.isprintable())[:200] or "document.pdf"
    document = BidDocument(bid=bid, title=title, original_name=original, size=len(data),
                           sha256=hashlib.sha256(data).hexdigest(), metadata_warning=warning)
    document.file.save("document.pdf", ContentFile(data), save=False)
    document.save()
    audit_record(actor=actor, action="challenges.bid.document_add", target=bid,
                 changes={"document": document.pk, "sha256": document.sha256, "metadata": bool(found)})
    return document


# ── Submit, withdraw, unseal ─────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def bid_submit(*, actor: User, bid: Bid) -> Bid:
    """Submit the draft once, before the deadline (server time): every member confirmed, a budget within the
    ceiling, the texts, an entity and both declarations. The team is notified."""
    bid = _lock(bid)
    BID.begin(actor, bid, "submit")
    challenge = bid.challenge
    _check_deadline(challenge, _("The deadline was %(deadline)s (server time): the bid can no longer be "
                                 "submitted."))
    if challenge.status != ChallengeStatus.OPEN:
        raise ValidationError(_("This challenge no longer accepts bids."), code="closed")
    errors: list[str] = []
    waiting = list(BidMember.objects.filter(bid=bid).exclude(status=MemberStatus.CONFIRMED).order_by("id"))
    pending = [m.name for m in waiting if m.status == MemberStatus.INVITED]
    declined = [m.name for m in waiting if m.status == MemberStatus.DECLINED]
    if pending:
        errors.append(_("These members have not confirmed yet: %(names)s.") % {"names": ", ".join(pending)})
    if declined:
        errors.append(_("These members declined: remove them first: %(names)s.") % {"names": ", ".join(declined)})
    lines = list(BudgetLine.objects.filter(bid=bid).values_list("amount", flat=True))
    total = sum(lines, Decimal("0.00"))
    if not lines:
        errors.append(_("Give at least one budget line."))
    elif total > challenge.budget_ceiling:
        errors.append(_("The budget totals %(total)s, over the challenge's ceiling of %(ceiling)s.")
                      % {"total": money(total, bid.currency), "ceiling": money(challenge.budget_ceiling,
                                                                                 challenge.currency)})
    missing = [str(getattr(Bid._meta.get_field(f), "verbose_name", f)) for f in DRAFT_OPTIONAL
               if not getattr(bid, f).strip()]
    if missing:
        errors.append(_("Fill in: %(fields)s.") % {"fields": ", ".join(missing)})
    if not bid.organisation_id and not bid.entity_to_register.strip():
        errors.append(_("Choose your organisation, or name the entity the team will register."))
    if not (bid.declares_no_other_conflicts and bid.declares_truthful):
        errors.append(_("Confirm both declarations."))
    if errors:
        raise ValidationError(errors, code="incomplete")
    bid.status, bid.submitted_at, bid.budget_total = BidStatus.SUBMITTED, timezone.now(), total
    _validate(bid)
    bid.save(update_fields=["status", "submitted_at", "budget_total", "updated_at"])
    audit_record(actor=actor, action="challenges.bid.submit", target=bid,
                 changes={"status": BidStatus.SUBMITTED, "budget_total": str(total)})
    params = {"team": bid.team_name, "code": challenge.code, "reference": bid.reference}

    def render() -> tuple[str, str]:
        return (_("Your team’s bid %(reference)s for %(code)s is submitted") % params,
                _("It stays sealed until the deadline. You can withdraw it until then."))

    notify(users=_team_users(bid), kind=NOTIFY_KIND, url=bid.get_absolute_url(), render=render)
    return bid


@transaction.atomic
def bid_withdraw(*, actor: User, bid: Bid) -> Bid:
    """Withdraw the bid before the deadline. A draft (never submitted) is discarded: the model requires a
    submission time for every bid that is not a draft."""
    bid = _lock(bid)
    BID.begin(actor, bid, "withdraw")
    _check_deadline(bid.challenge, _("The deadline was %(deadline)s (server time): the bid can no longer be "
                                     "withdrawn."))
    if bid.status == BidStatus.DRAFT:
        audit_record(actor=actor, action="challenges.bid.discard", target=bid, changes={"status": "draft"})
        names = [d.file.name for d in BidDocument.objects.filter(bid=bid) if d.file.name]

        def delete_files() -> None:
            storage = BidDocument._meta.get_field("file").storage
            for name in names:
                storage.delete(name)

        transaction.on_commit(delete_files)
        bid.delete()
        return bid
    bid.status, bid.withdrawn_at = BidStatus.WITHDRAWN, timezone.now()
    bid.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit_record(actor=actor, action="challenges.bid.withdraw", target=bid, changes={"status": BidStatus.WITHDRAWN})
    params = {"reference": bid.reference}
    notify(users=_team_users(bid), kind=NOTIFY_KIND, url=bid.get_absolute_url(),
           render=lambda: (_("Your team’s bid %(reference)s is withdrawn") % params, ""))
    return bid


@transaction.atomic
def bid_unseal(*, actor: User, bid: Bid, reason: str) -> Bid:
    """The emergency opening of a sealed bid by an officer: only while sealed, with a reason; audited and
    shown to the team."""
    bid = _lock(bid)
    BID.begin(actor, bid, "unseal")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason: the team reads it.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("The reason is longer than 2000 characters.")})
    if not bid.challenge.is_sealed:
        raise ValidationError(_("The deadline has passed: the bid is no longer sealed."), code="not_sealed")
    if bid.unsealed_at is not None:
        raise ValidationError(_("This bid was already opened."), code="already_unsealed")
    bid.unsealed_at, bid.unsealed_by, bid.unseal_reason = timezone.now(), actor, reason
    bid.save(update_fields=["unsealed_at", "unsealed_by", "unseal_reason", "updated_at"])
    audit_record(actor=actor, action="challenges.bid.unseal", target=bid, changes={"reason": reason})
    params = {"reference": bid.reference, "reason": reason}
    notify(users=_team_users(bid), kind=NOTIFY_KIND, url=bid.get_absolute_url(),
           render=lambda: (_("An officer opened your sealed bid %(reference)s") % params,
                           _("An officer opened your sealed bid: reason: %(reason)s") % params))
    return bid


# ── Clarifications ───────────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def clarification_ask(*, actor: User, bid: Bid, question: str) -> Clarification:
    """An officer asks the team a question about a submitted bid, after the deadline."""
    bid = _lock(bid)
    require(actor, "challenges.clarify", bid)
    question = (question or "").strip()
    if not question or len(question) > 3000:
        raise ValidationError({"question": _("Write the question (at most 3000 characters).")})
    if bid.status != BidStatus.SUBMITTED:
        raise ValidationError(_("Clarifications can be asked only about a submitted bid."), code="not_submitted")
    if bid.challenge.is_sealed:
        raise ValidationError(_("Clarifications can be asked only after the deadline."), code="sealed")
    clarification = Clarification.objects.create(bid=bid, asked_by=actor, question=question)
    audit_record(actor=actor, action="challenges.bid.clarification_ask", target=bid,
                 changes={"clarification": clarification.pk})
    params = {"reference": bid.reference}
    notify(users=_team_users(bid), kind=NOTIFY_KIND, url=bid.get_absolute_url(),
           render=lambda: (_("A clarification is requested on your bid %(reference)s") % params,
                           _("Answer it on the bid's page.")))
    return clarification


@transaction.atomic
def clarification_answer(*, actor: User, clarification: Clarification, answer: str) -> Clarification:
    """A team member answers, once."""
    bid = _lock(clarification.bid)
    clarification = Clarification.objects.select_for_update().get(pk=clarification.pk, bid=bid)
    require(actor, "challenges.clarify_answer", bid)
    answer = (answer or "").strip()
    if not answer or len(answer) > 5000:
        raise ValidationError({"answer": _("Write the answer (at most 5000 characters).")})
    if clarification.answer:
        raise ValidationError(_("This question is already answered."), code="answered")
    clarification.answer, clarification.answered_by, clarification.answered_at = answer, actor, timezone.now()
    clarification.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(actor=actor, action="challenges.bid.clarification_answer", target=bid,
                 changes={"clarification": clarification.pk})
    params = {"reference": bid.reference}
    asker = User.objects.filter(pk=clarification.asked_by_id, is_active=True)
    notify(users=list(asker), kind=NOTIFY_KIND, url=bid.get_absolute_url(),
           render=lambda: (_("The team answered your clarification request on %(reference)s") % params, ""))
    return clarification
