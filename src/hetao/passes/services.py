"""Issuing, revoking and checking park codes; visitor passes; the checkpoint's decision and its log."""

import datetime
import os
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import base45
import cbor2
import segno
from cryptography.hazmat.primitives import serialization
from cwt import COSE, COSEKey
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hetao.accounts.models import User
from hetao.audit.service import audit_record
from hetao.core.permissions import require

from . import keys as keystore
from .models import AccessLog, AccessPoint, AccessRule, PassHolder, VisitorPass
from .verifier import CTI, EPOCH, EXP, IAT, ISS, KIND, NBF, POINTS, PREFIX, SUB, Result, Verifier

if TYPE_CHECKING:
    from hetao.community.models import Registration

__all__ = ["access_rule_remove", "code_for", "holder_revoke", "qr_svg", "scan", "trust_list", "visitor_invite"]


_key_cache: dict[str, Any] = {}


def signing_keys() -> list[keystore.SigningKey]:
    """The key files, re-read when the directory changes (a rotation) and at most once a minute otherwise."""
    directory = settings.HETAO_PASS_KEY_DIR
    stamp = (str(directory), directory.stat().st_mtime if directory.exists() else 0, int(time.time()) // 60)
    if _key_cache.get("stamp") != stamp:
        _key_cache.update(stamp=stamp, keys=keystore.load(directory, settings.HETAO_PASS_KEY_LIFETIME_DAYS))
    return _key_cache["keys"]


def trust_list(now: int | None = None) -> dict:
    now = int(now or time.time())
    return {"zone": settings.HETAO_ZONE, "issued_at": now,
            "keys": [k.jwk() for k in signing_keys() if k.not_after >= now and k.not_before <= now + 86400]}


def _sign(claims: dict, now: int) -> str:
    key = keystore.active(signing_keys(), now)
    if key is None:
        raise ValidationError(_("The park cannot issue codes right now: no signing key."), code="no_key")
    pem = key.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    cose_key = COSEKey.from_pem(pem, kid=key.kid)
    token = COSE.new().encode_and_sign(cbor2.dumps(claims), cose_key,
                                       protected={1: -8, 4: key.kid.encode()})
    return PREFIX + base45.b45encode(token).decode()


def holder_for(user: User) -> PassHolder:
    holder, _created = PassHolder.objects.get_or_create(user=user)
    return holder


def code_for(user: User, *, now: int | None = None) -> tuple[str, int]:
    """A member's code, valid for 60 seconds; returns (text, expiry)."""
    if not user.is_active:
        raise ValidationError(_("This account is not active."), code="inactive")
    now = int(now or time.time())
    holder = holder_for(user)
    exp = now + settings.HETAO_PASS_CODE_SECONDS
    claims = {ISS: settings.HETAO_ZONE, SUB: holder.pseudonym, IAT: now, NBF: now, EXP: exp, CTI: os.urandom(8),
              EPOCH: holder.epoch, KIND: "m"}
    return _sign(claims, now), exp


def qr_svg(text: str) -> str:
    """The code as an SVG data URI (error correction M; a member code fits QR version 8)."""
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=6, border=2)


@transaction.atomic
def holder_revoke(*, user: User, actor: User, reason: str) -> PassHolder:
    """Bump the holder's epoch: every code issued before is refused once gates have synced (≤ 60 s)."""
    holder = holder_for(user)
    PassHolder.objects.filter(pk=holder.pk).update(epoch=F("epoch") + 1, epoch_changed_at=timezone.now())
    holder.refresh_from_db()
    audit_record(actor=actor, action="passes.revoke", target=holder, changes={"reason": reason,
                                                                               "epoch": holder.epoch})
    return holder


@transaction.atomic
def access_rule_remove(*, actor: User, rule: AccessRule) -> None:
    """Remove an access rule. Removing a person's own right revokes their codes at once (they get a fresh one)."""
    rule = AccessRule.objects.select_for_update().select_related("access_point").get(pk=rule.pk)
    require(actor, "passes.manage_rules", rule.access_point)
    rules_remove(actor=actor, rules=[rule])


def rules_remove(*, actor: User, rules: Iterable[AccessRule]) -> int:
    """Remove `rules` and revoke the codes of the persons they named, with an audit record each.

    For callers that have checked their own permission: access_rule_remove, and account erasure (account_hooks).
    """
    count = 0
    for rule in rules:
        audit_record(actor=actor, action="passes.access_rule.remove", target=rule,
                     changes={"access_point": rule.access_point.code, "grant": rule.grant})
        if rule.grant == AccessRule.Grant.PERSON and rule.user is not None:
            holder_revoke(user=rule.user, actor=actor, reason="access_removed")
        rule.delete()
        count += 1
    return count


def revocation_list() -> dict:
    """Holders whose codes before some epoch are refused: {pseudonym: lowest valid epoch}."""
    revoked = dict(PassHolder.objects.filter(epoch__gt=1).values_list("pseudonym", "epoch"))
    revoked.update({p: 1 << 30 for p in VisitorPass.objects.filter(cancelled=True).values_list("pseudonym", flat=True)})
    return {"zone": settings.HETAO_ZONE, "issued_at": int(time.time()), "revoked": revoked}


def ticket_for(registration: "Registration") -> str | None:
    """An event ticket: valid at the event's entrances from an hour before it starts until it ends."""
    entrances = list(registration.event.entrances.filter(is_active=True).values_list("code", flat=True))
    if registration.status != "confirmed" or not entrances:
        return None
    start = int(registration.event.starts_at.timestamp()) - 3600
    end = int(registration.event.ends_at.timestamp())
    return _sign({ISS: settings.HETAO_ZONE, SUB: f"t:{registration.pk}", IAT: start, NBF: start, EXP: end,
                  CTI: os.urandom(8), EPOCH: 1, KIND: "t", POINTS: entrances}, int(time.time()))


class LiveRevocations:
    """The revocation list as the checkpoint needs it: one lookup for the code's own subject, not the
    whole list on every scan (the verifier only calls .get(subject, default)). The holder it reads, with their
    account, is the one the access rules are then checked for (`holder`): one read for both, in the scan's
    transaction."""

    def __init__(self) -> None:
        self.holders: dict[str, PassHolder | None] = {}

    def holder(self, subject: str) -> PassHolder | None:
        if subject not in self.holders:
            self.holders[subject] = PassHolder.objects.select_related("user").filter(pseudonym=subject).first()
        return self.holders[subject]

    def get(self, subject: str, default: int = 0) -> int:
        holder = self.holder(subject)
        if holder is not None:
            return holder.epoch if holder.epoch > 1 else default
        if VisitorPass.objects.filter(pseudonym=subject, cancelled=True).exists():
            return 1 << 30
        return default


# ── Visitors ─────────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def visitor_invite(*, actor: User, access_point: AccessPoint, guest_name: str, guest_email: str,
                   valid_from: datetime.datetime, valid_until: datetime.datetime) -> tuple[VisitorPass, str]:
    require(actor, "passes.invite_visitor", access_point)
    if valid_until <= valid_from:
        raise ValidationError({"valid_until": _("The visit must end after it starts.")})
    if valid_until - valid_from > datetime.timedelta(hours=24):
        raise ValidationError({"valid_until": _("A visitor pass covers at most 24 hours.")})
    if valid_until <= timezone.now():
        raise ValidationError({"valid_until": _("This window is already over.")})
    visit = VisitorPass(host=actor, guest_name=guest_name, guest_email=guest_email, access_point=access_point,
                        valid_from=valid_from, valid_until=valid_until)
    visit.full_clean()
    visit.save(force_insert=True)
    start, end = int(valid_from.timestamp()), int(valid_until.timestamp())
    text = _sign({ISS: settings.HETAO_ZONE, SUB: visit.pseudonym, IAT: start, NBF: start, EXP: end,
                  CTI: os.urandom(8), EPOCH: 1, KIND: "v", POINTS: [access_point.code]}, int(time.time()))
    audit_record(actor=actor, action="passes.visitor.invite", target=visit)
    transaction.on_commit(lambda: _email_visitor(visit.pk, text))
    return visit, text


def _email_visitor(visit_id: int, text: str) -> None:
    from .tasks import email_visitor_pass

    email_visitor_pass.enqueue(visit_id=visit_id, code=text)


# ── The checkpoint ───────────────────────────────────────────────────────────────────────────────────


def _rule_matches(rule: AccessRule, user: User, now: datetime.datetime) -> bool:
    local = timezone.localtime(now)
    if str(local.weekday()) not in rule.weekdays or not (rule.opens <= local.time() <= rule.closes):
        return False
    return rule.grants(user)


def _allowed_here(result: Result, access_point: AccessPoint, now: datetime.datetime,
                  revocations: LiveRevocations | None = None) -> str:
    """'' when the holder may pass here now, else the reason (not_allowed_here / outside_hours / used).
    `revocations`: the scan's, whose holder (read for the revocation check) is the one checked here."""
    if result.kind == "t":
        from hetao.community.models import Registration

        registration_id = result.subject.removeprefix("t:")
        ok = registration_id.isdigit() and Registration.objects.filter(
            pk=int(registration_id), status="confirmed", event__entrances=access_point).exists()
        return "" if ok else "revoked"
    if result.kind == "v":
        visit = VisitorPass.objects.select_for_update().filter(pseudonym=result.subject).first()
        if visit is None or visit.cancelled:
            return "revoked"
        if visit.used_at is not None:
            return "replayed"
        visit.used_at = now
        visit.save(update_fields=["used_at"])
        return ""
    holder = (revocations or LiveRevocations()).holder(result.subject)
    if holder is None or not holder.user.is_active:
        return "revoked"
    rules = list(access_point.rules.all())
    if not rules:
        return "not_allowed_here"
    if any(_rule_matches(r, holder.user, now) for r in rules):
        return ""
    any_hours = any(_rule_matches(
        AccessRule(grant=r.grant, department_id=r.department_id, organisation_id=r.organisation_id,
                   organisation_kind=r.organisation_kind, user_id=r.user_id), holder.user, now) for r in rules)
    return "outside_hours" if any_hours else "not_allowed_here"


@transaction.atomic
def scan(*, access_point: AccessPoint, text: str, now: int | None = None) -> Result:
    """Decide at a checkpoint: the offline verifier's checks with the live revocation list, then the access
    rules. Every decision is logged. The access point's row lock serialises scans at one gate, and the log
    remembers the nonces it let through, so a replayed code is refused even across server processes."""
    AccessPoint.objects.select_for_update().filter(pk=access_point.pk).values_list("pk", flat=True).first()
    now = int(now or time.time())
    revocations = LiveRevocations()
    verifier = Verifier(zone=settings.HETAO_ZONE, trust_list=trust_list(now), access_point=access_point.code,
                        revocations=revocations, clock=lambda: now)
    result = verifier.verify(text)
    if result.ok and AccessLog.objects.filter(access_point=access_point, nonce=result.nonce, allowed=True).exists():
        result = _denied(result, "replayed")
    if result.ok:
        reason = _allowed_here(result, access_point, datetime.datetime.fromtimestamp(now, tz=datetime.UTC),
                               revocations)
        if reason:
            result = _denied(result, reason)
    AccessLog.objects.create(access_point=access_point, subject=result.subject[:24], kind=result.kind[:1],
                             allowed=result.ok, reason=result.reason, nonce=result.nonce[:16])
    return result


def _denied(result: Result, reason: str) -> Result:
    return Result(False, reason, result.subject, result.kind, result.epoch, result.nonce, result.expires)
