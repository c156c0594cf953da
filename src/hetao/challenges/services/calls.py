"""Every write of a challenge (揭榜): create (from accepted or published topics, provenance kept), save, the rubric
and the eligibility rules (merit only), publish, start the review, cancel, the public Q&A and attachments.

Keyword-only, permission-checked through the CHALLENGE workflow after locking the row, validated, audited
(`challenges.challenge.<verb>`); notifications are written in each recipient's language and emailed after commit.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hetao.accounts.models import User
from hetao.audit.service import audit_record
from hetao.community.services import notify
from hetao.core.permissions import require

from ..merit import check_merit_only
from ..models import (
    Bid,
    BidStatus,
    Challenge,
    ChallengeAttachment,
    ChallengeQuestion,
    ChallengeStatus,
    Criterion,
    Currency,
    EligibilityKind,
    EligibilityRule,
    Status,
    Topic,
)
from ..workflow import CHALLENGE

__all__ = ["ALLOWED_ATTACHMENTS", "EDITABLE_FIELDS", "MAX_ATTACHMENT_BYTES", "WORDING", "attachment_add",
           "challenge_cancel", "challenge_create", "challenge_publish", "challenge_save", "challenge_start_review",
           "criteria_set", "eligibility_set", "question_answer", "question_ask"]

# What may change once the challenge is open: its wording (and attachments, added separately).
WORDING = ("title_en", "title_zh_hans", "title_zh_hant", "description_en", "description_zh_hans",
           "description_zh_hant", "problem", "deliverables", "indicators")
# The panel's settings: they do not change what bidders were promised, so they stay editable while open.
REVIEW_SETTINGS = ("experts_per_bid", "max_load", "min_load", "spread_threshold", "min_hk_macao_experts",
                   "min_mainland_experts", "min_industry_experts", "quotas_hard", "review_ends_on", "defence_on",
                   "award_on")
# Fixed once open: what bidders bid against.
FIXED_ONCE_OPEN = ("budget_ceiling", "currency", "duration_months", "key_direction", "opens_at", "closes_at")
EDITABLE_FIELDS = (*WORDING, *FIXED_ONCE_OPEN, *REVIEW_SETTINGS)

SOURCE_TOPIC_STATES = (Status.ACCEPTED, Status.PUBLISHED)
LIVE_BIDS = (BidStatus.DRAFT, BidStatus.SUBMITTED)

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ALLOWED_ATTACHMENTS = {
    "application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
    "application/msword": "doc", "application/vnd.ms-excel": "xls", "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt", "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
CRITERION_KEYS = {"name_en", "name_zh_hans", "name_zh_hant", "description", "weight", "max_score", "threshold"}
RULE_KEYS = {"kind", "text"}


def _audit_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _lock(challenge: Challenge) -> Challenge:
    return Challenge.objects.select_for_update().get(pk=challenge.pk)


def deadline_text(challenge: Challenge) -> str:
    """The deadline in the park's time zone, as people read it ("2026-11-23 17:00 (Asia/Shanghai)")."""
    local = timezone.localtime(challenge.closes_at)
    return f"{date_format(local, 'Y-m-d H:i')} ({timezone.get_current_timezone_name()})"


def _validate(challenge: Challenge) -> None:
    errors: dict[str, list[str]] = {}
    if not (challenge.title_en or challenge.title_zh_hans or challenge.title_zh_hant):
        errors["title_en"] = [_("Give a title in at least one language.")]
    if challenge.budget_ceiling is not None and challenge.budget_ceiling <= 0:
        errors["budget_ceiling"] = [_("The budget ceiling must be more than zero.")]
    if challenge.currency and challenge.currency not in Currency.values:
        errors["currency"] = [_("Choose CNY or HKD.")]
    if challenge.opens_at and challenge.closes_at and challenge.opens_at >= challenge.closes_at:
        errors["closes_at"] = [_("The deadline must come after the opening.")]
    if challenge.max_load is not None and challenge.min_load is not None and challenge.min_load > challenge.max_load:
        errors["min_load"] = [_("The fewest bids per expert cannot be more than the most.")]
    if challenge.max_load == 0:
        errors["max_load"] = [_("Each expert must be able to review at least one bid.")]
    if errors:
        raise ValidationError(errors)
    # An English title is not required when another language has one (TitledModel declares it required).
    challenge.full_clean(exclude=["title_en", "topics"] if not challenge.title_en else ["topics"],
                         validate_unique=False)


def _next_code(year: int) -> str:
    prefix = f"HT-{year}-"
    numbers = [int(m.group(1)) for code in Challenge.objects.filter(code__startswith=prefix)
               .values_list("code", flat=True) if (m := re.fullmatch(rf"{prefix}(\d+)", code))]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def _prefill(topic: Topic) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title_en": topic.title_en, "title_zh_hans": topic.title_zh_hans, "title_zh_hant": topic.title_zh_hant,
        "problem": topic.problem, "deliverables": topic.outcome, "indicators": topic.outcome,
        "key_direction": topic.key_direction,
    }
    if topic.budget_amount:
        fields["budget_ceiling"], fields["currency"] = topic.budget_amount, topic.budget_currency
    return fields


def _coerce_topics(topics: Any) -> list[Topic]:
    wanted = [t.pk if isinstance(t, Topic) else t for t in topics or ()]
    try:
        ids = [int(pk) for pk in wanted]
    except (TypeError, ValueError):
        raise ValidationError({"topics": _("Choose topics by their numbers.")}) from None
    found = {t.pk: t for t in Topic.objects.select_for_update(of=("self",)).filter(pk__in=ids)
             .select_related("key_direction")}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"topics": _("These topics do not exist: %(ids)s") % {"ids": ", ".join(missing)}})
    refused = [str(pk) for pk in ids if found[pk].status not in SOURCE_TOPIC_STATES]
    if refused:
        raise ValidationError({"topics": _("A challenge is made only from accepted or published topics; these are "
                                           "not: %(ids)s") % {"ids": ", ".join(refused)}})
    return [found[pk] for pk in dict.fromkeys(ids)]


@transaction.atomic
def challenge_create(*, actor: User, topics: Any = (), **fields: Any) -> Challenge:
    """A draft challenge; from `topics` (accepted or published), prefilled from the first where a field is not
    given. `code` is "HT-<year>-<nn>" unless given."""
    require(actor, "challenges.manage_calls")
    code = (fields.pop("code", "") or "").strip()
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be set: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    sources = _coerce_topics(topics)
    values: dict[str, Any] = {"closes_at": timezone.now() + datetime.timedelta(days=30), "duration_months": 12}
    if sources:
        values.update(_prefill(sources[0]))
    values.update({k: v for k, v in fields.items() if v is not None and v != ""})
    for name in ("opens_at", "review_ends_on", "defence_on", "award_on"):
        if name in fields and fields[name] is None:
            values[name] = None
    challenge = Challenge(created_by=actor, status=ChallengeStatus.DRAFT, **values)
    for name in ("problem", "deliverables", "indicators", "title_en", "title_zh_hans", "title_zh_hant",
                 "description_en", "description_zh_hans", "description_zh_hant", "currency"):
        setattr(challenge, name, getattr(challenge, name) or "")
    challenge.code = code or _next_code(timezone.localdate().year)
    if challenge.budget_ceiling is None:
        raise ValidationError({"budget_ceiling": _("Give the budget ceiling.")})
    _validate(challenge)
    for attempt in range(5):
        try:
            with transaction.atomic():
                challenge.save(force_insert=True)
            break
        except IntegrityError:
            if code or attempt == 4:
                raise ValidationError({"code": _("This challenge number is already used.")}) from None
            challenge.pk = None
            challenge.code = _next_code(timezone.localdate().year)
    if sources:
        challenge.topics.set(sources)
    audit_record(actor=actor, action="challenges.challenge.create", target=challenge,
                 changes={"code": challenge.code, "topics": [t.pk for t in sources]})
    return challenge


@transaction.atomic
def challenge_save(*, actor: User, challenge: Challenge, **fields: Any) -> Challenge:
    """Change a challenge's fields. Once open, only its wording (and review settings) may change."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    challenge = _lock(challenge)
    CHALLENGE.begin(actor, challenge, "save")
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        column = f"{name}_id" if name == "key_direction" else name
        old = getattr(challenge, column)
        if value is None and name in (*WORDING, "currency"):
            value = ""
        setattr(challenge, name, value)
        if getattr(challenge, column) != old:
            changes[name] = [_audit_value(old), _audit_value(value)]
    if challenge.status != ChallengeStatus.DRAFT:
        fixed = [name for name in changes if name in FIXED_ONCE_OPEN]
        if fixed:
            raise ValidationError(
                _("Once the challenge is open only its wording and attachments can change: the rubric, the budget "
                  "ceiling, the currency, the duration and the deadline are fixed (%(fields)s).")
                % {"fields": ", ".join(_verbose_name(n) for n in fixed)},
                code="fixed_once_open")
    _validate(challenge)
    if not changes:
        return challenge
    challenge.save(update_fields=[*fields, "title_zh_hans", "title_zh_hant", "updated_at"])
    audit_record(actor=actor, action="challenges.challenge.save", target=challenge, changes=changes)
    return challenge


def _rubric_fixed(challenge: Challenge, what: str) -> None:
    if challenge.status != ChallengeStatus.DRAFT:
        raise ValidationError(
            _("Once the challenge is open only its wording and attachments can change: %(what)s is fixed.")
            % {"what": what}, code="fixed_once_open")


def _integer(value: Any, label: str, row: int, low: int, high: int, default: int | None = None) -> int:
    if value in (None, "") and default is not None:
        return default
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("Criterion %(row)s: the %(label)s must be a whole number.")
                              % {"row": row, "label": label}) from None
    if not low <= number <= high:
        raise ValidationError(_("Criterion %(row)s: the %(label)s must be between %(low)s and %(high)s.")
                              % {"row": row, "label": label, "low": low, "high": high})
    return number


def _criterion(challenge: Challenge, row: int, data: dict) -> Criterion:
    if not isinstance(data, dict):
        raise ValidationError(_("Criterion %(row)s is not readable.") % {"row": row})
    unknown = set(data) - CRITERION_KEYS
    if unknown:
        raise ValidationError(_("Criterion %(row)s: unknown fields %(fields)s.")
                              % {"row": row, "fields": ", ".join(sorted(map(str, unknown)))})
    names = {k: str(data.get(k) or "").strip() for k in ("name_en", "name_zh_hans", "name_zh_hant")}
    description = str(data.get("description") or "").strip()
    if not any(names.values()):
        raise ValidationError(_("Criterion %(row)s: give its name in at least one language.") % {"row": row})
    if not description:
        raise ValidationError(_("Criterion %(row)s: describe what the reviewers judge.") % {"row": row})
    weight = _integer(data.get("weight"), _("weight"), row, 1, 100)
    max_score = _integer(data.get("max_score"), _("highest score"), row, 1, 100, default=10)
    try:
        threshold = Decimal(str(data.get("threshold") if data.get("threshold") not in (None, "") else 0))
        if not threshold.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Criterion %(row)s: the threshold must be a number.") % {"row": row}) from None
    if not Decimal(0) <= threshold <= max_score:
        raise ValidationError(_("Criterion %(row)s: the threshold must be between 0 and the highest score "
                                "(%(max)s).") % {"row": row, "max": max_score})
    for text in (*names.values(), description):
        try:
            check_merit_only(text)
        except ValidationError as error:
            raise ValidationError(_("Criterion %(row)s: %(message)s")
                                  % {"row": row, "message": " ".join(error.messages)}, code="not_merit") from None
    criterion = Criterion(challenge=challenge, description=description, weight=weight, max_score=max_score,
                          threshold=threshold.quantize(Decimal("0.01")), order=row - 1, **names)
    try:
        criterion.full_clean(exclude=["challenge", "name_en"] if not names["name_en"] else ["challenge"])
    except ValidationError as error:
        raise ValidationError(_("Criterion %(row)s: %(message)s")
                              % {"row": row, "message": " ".join(error.messages)}) from None
    return criterion


@transaction.atomic
def criteria_set(*, actor: User, challenge: Challenge, criteria: list[dict]) -> list[Criterion]:
    """Replace the rubric of a draft: weights 1..100 (adding up to 100 before publishing), thresholds between 0
    and the highest score, every name and description passing the merit-only check."""
    challenge = _lock(challenge)
    CHALLENGE.begin(actor, challenge, "save")
    _rubric_fixed(challenge, _("the rubric"))
    if not isinstance(criteria, list | tuple):
        raise ValidationError(_("The rubric is a list of criteria."))
    if len(criteria) > 30:
        raise ValidationError(_("A rubric has at most 30 criteria."))
    made = [_criterion(challenge, row, data) for row, data in enumerate(criteria, start=1)]
    Criterion.objects.filter(challenge=challenge).delete()
    made = Criterion.objects.bulk_create(made)
    challenge.save(update_fields=["updated_at"])
    audit_record(actor=actor, action="challenges.challenge.criteria", target=challenge, changes={
        "criteria": [{"name": c.name_en or c.name_zh_hans or c.name_zh_hant, "weight": c.weight,
                      "max_score": c.max_score, "threshold": str(c.threshold)} for c in made]})
    return made


@transaction.atomic
def eligibility_set(*, actor: User, challenge: Challenge, rules: list[dict]) -> list[EligibilityRule]:
    """Replace the eligibility rules of a draft: what the team must show (merit only)."""
    challenge = _lock(challenge)
    CHALLENGE.begin(actor, challenge, "save")
    _rubric_fixed(challenge, _("eligibility"))
    if not isinstance(rules, list | tuple):
        raise ValidationError(_("The eligibility rules are a list."))
    if len(rules) > 30:
        raise ValidationError(_("A challenge has at most 30 eligibility rules."))
    made = []
    for row, data in enumerate(rules, start=1):
        if not isinstance(data, dict) or set(data) - RULE_KEYS:
            raise ValidationError(_("Eligibility rule %(row)s: give only its kind and text.") % {"row": row})
        kind, text = str(data.get("kind") or ""), str(data.get("text") or "").strip()
        if kind not in EligibilityKind.values:
            raise ValidationError(_("Eligibility rule %(row)s: choose one of the kinds offered.") % {"row": row})
        if kind == EligibilityKind.CAPABILITY and not text:
            raise ValidationError(_("Eligibility rule %(row)s: say what capability the team must show.")
                                  % {"row": row})
        try:
            check_merit_only(text)
        except ValidationError as error:
            raise ValidationError(_("Eligibility rule %(row)s: %(message)s")
                                  % {"row": row, "message": " ".join(error.messages)}, code="not_merit") from None
        rule = EligibilityRule(challenge=challenge, kind=kind, text=text, order=row - 1)
        try:
            rule.full_clean(exclude=["challenge"])
        except ValidationError as error:
            raise ValidationError(_("Eligibility rule %(row)s: %(message)s")
                                  % {"row": row, "message": " ".join(error.messages)}) from None
        made.append(rule)
    EligibilityRule.objects.filter(challenge=challenge).delete()
    made = EligibilityRule.objects.bulk_create(made)
    challenge.save(update_fields=["updated_at"])
    audit_record(actor=actor, action="challenges.challenge.eligibility", target=challenge,
                 changes={"rules": [{"kind": r.kind, "text": r.text} for r in made]})
    return made


def _notify_proposers(challenge: Challenge) -> None:
    users = list({t.proposer_id: t.proposer for t in challenge.topics.select_related("proposer")}.values())
    if not users:
        return

    def render() -> tuple[str, str]:
        return (_("Your topic became the challenge “%(title)s”") % {"title": challenge.title},
                _("Challenge %(code)s is open for bids until %(deadline)s.")
                % {"code": challenge.code, "deadline": deadline_text(challenge)})

    notify(users=users, kind="application", url=challenge.get_absolute_url(), render=render)


@transaction.atomic
def challenge_publish(*, actor: User, challenge: Challenge) -> Challenge:
    """Open a draft for bids: a rubric of weights adding up to 100, a deadline in the future, merit only."""
    challenge = _lock(challenge)
    CHALLENGE.begin(actor, challenge, "publish")
    criteria = list(challenge.criteria.all())
    rules = list(challenge.eligibility_rules.all())
    errors: list[str] = []
    if not criteria:
        errors.append(_("Add at least one criterion to the rubric."))
    elif sum(c.weight for c in criteria) != 100:
        errors.append(_("The weights of the rubric add up to %(sum)s%%; they must add up to 100%%.")
                      % {"sum": sum(c.weight for c in criteria)})
    now = timezone.now()
    if challenge.closes_at <= now:
        errors.append(_("The deadline (%(deadline)s) has passed: set one in the future.")
                      % {"deadline": deadline_text(challenge)})
    for text in [*(t for c in criteria for t in (c.name_en, c.name_zh_hans, c.name_zh_hant, c.description)),
                 *(r.text for r in rules)]:
        try:
            check_merit_only(text)
        except ValidationError as error:
            errors.extend(m for m in error.messages if m not in errors)
    if errors:
        raise ValidationError(errors, code="not_publishable")
    challenge.status = ChallengeStatus.OPEN
    challenge.published_at = now
    _validate(challenge)
    challenge.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(actor=actor, action="challenges.challenge.publish", target=challenge,
                 changes={"status": [ChallengeStatus.DRAFT, ChallengeStatus.OPEN],
                          "closes_at": challenge.closes_at.isoformat()})
    _notify_proposers(challenge)
    return challenge


@transaction.atomic
def challenge_start_review(*, actor: User, challenge: Challenge) -> Challenge:
    """Close the call and start the blind review: refused before the deadline (server time)."""
    challenge = _lock(challenge)
    CHALLENGE.begin(actor, challenge, "start_review")
    if timezone.now() < challenge.closes_at:
        raise ValidationError(_("Bids are accepted until %(deadline)s: the review can start only after the "
                                "deadline.") % {"deadline": deadline_text(challenge)}, code="before_deadline")
    challenge.status = ChallengeStatus.REVIEW
    challenge.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="challenges.challenge.start_review", target=challenge,
                 changes={"status": [ChallengeStatus.OPEN, ChallengeStatus.REVIEW]})
    return challenge


@transaction.atomic
def challenge_cancel(*, actor: User, challenge: Challenge, reason: str) -> Challenge:
    """Cancel with a reason (kept in the decision and minutes, audited); the leads of live bids are told."""
    challenge = _lock(challenge)
    CHALLENGE.begin(actor, challenge, "cancel")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason: the bidders read it.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("The reason is longer than 2,000 characters.")})
    old = challenge.status
    challenge.status = ChallengeStatus.CANCELLED
    challenge.decision_minutes = reason
    challenge.save(update_fields=["status", "decision_minutes", "updated_at"])
    audit_record(actor=actor, action="challenges.challenge.cancel", target=challenge,
                 changes={"status": [old, ChallengeStatus.CANCELLED], "reason": reason})
    leads = list({b.lead_id: b.lead for b in Bid.objects.filter(challenge=challenge, status__in=LIVE_BIDS)
                  .select_related("lead")}.values())
    if leads:
        def render() -> tuple[str, str]:
            return (_("The challenge “%(title)s” is cancelled") % {"title": challenge.title},
                    _("Reason: %(reason)s") % {"reason": reason})

        notify(users=leads, kind="application", url=challenge.get_absolute_url(), render=render)
    return challenge


@transaction.atomic
def question_ask(*, actor: User, challenge: Challenge, question: str) -> ChallengeQuestion:
    """A public question while the challenge accepts bids; the asker is kept (to notify them), never shown."""
    if not getattr(actor, "is_authenticated", False):
        raise ValidationError(_("Sign in to ask a question."))
    challenge = _lock(challenge)
    require(actor, "challenges.ask", challenge)
    if not challenge.accepting_bids:
        raise ValidationError(_("Questions are taken only while the challenge accepts bids."))
    text = (question or "").strip()
    if not text:
        raise ValidationError({"question": _("Write your question.")})
    item = ChallengeQuestion(challenge=challenge, asked_by=actor, question=text)
    item.full_clean(exclude=["challenge", "asked_by", "answered_by"])
    item.save()
    audit_record(actor=actor, action="challenges.challenge.question", target=challenge,
                 changes={"question": item.pk})
    return item


@transaction.atomic
def question_answer(*, actor: User, question: ChallengeQuestion, answer: str) -> ChallengeQuestion:
    """An officer's public answer (once: the row lock decides when two officers answer at once); the asker is
    notified."""
    question = ChallengeQuestion.objects.select_for_update(of=("self",)).select_related("challenge", "asked_by").get(
        pk=question.pk)
    require(actor, "challenges.manage_calls", question.challenge)
    text = (answer or "").strip()
    if not text:
        raise ValidationError({"answer": _("Write the answer.")})
    if question.answered_at is not None:
        raise ValidationError(_("This question is already answered."), code="already_answered")
    question.answer, question.answered_by, question.answered_at = text, actor, timezone.now()
    question.full_clean(exclude=["challenge", "asked_by", "answered_by"])
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(actor=actor, action="challenges.challenge.answer", target=question.challenge,
                 changes={"question": question.pk})
    if question.asked_by is not None:
        challenge = question.challenge

        def render() -> tuple[str, str]:
            return (_("Your question on “%(title)s” is answered") % {"title": challenge.title}, text[:500])

        notify(users=[question.asked_by], kind="application", url=challenge.get_absolute_url(), render=render)
    return question


def _verbose_name(name: str) -> str:
    """The verbose name of one of the challenge's own fields."""
    field = Challenge._meta.get_field(name)
    assert isinstance(field, models.Field)  # a concrete column, never a reverse relation
    return str(field.verbose_name)


def _safe_name(name: str | None) -> str:
    stem = re.sub(r"[^\w.\-]+", "_", (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip("._")
    return (stem or "attachment")[:150]


@transaction.atomic
def attachment_add(*, actor: User, challenge: Challenge, title: str, upload: UploadedFile) -> ChallengeAttachment:
    """A public attachment (PDF, Office documents, images: what the file is, not its name), at most 20 MB."""
    import filetype

    challenge = _lock(challenge)
    CHALLENGE.begin(actor, challenge, "save")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the attachment a title.")})
    if upload is None or not upload.size:
        raise ValidationError({"upload": _("Choose a file.")})
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"upload": _("The file is larger than 20 MB.")}, code="too_large")
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_ATTACHMENTS:
        raise ValidationError({"upload": _("Only PDF, Word, Excel, PowerPoint, OpenDocument and image files are "
                                           "accepted.")}, code="file_type")
    extension = ALLOWED_ATTACHMENTS[kind.mime]
    name = _safe_name(upload.name)
    if not name.lower().endswith("." + extension):
        name = f"{name}.{extension}"
    item = ChallengeAttachment(challenge=challenge, title=title, original_name=name, content_type=kind.mime,
                               size=upload.size)
    item.full_clean(exclude=["challenge", "file"])
    item.file.save(name, upload, save=False)
    item.save(force_insert=True)
    audit_record(actor=actor, action="challenges.challenge.attachment", target=challenge,
                 changes={"attachment": item.pk, "name": name, "size": upload.size})
    return item


# Labels used by the pages (declared here so they are translated with the services' messages).
FIXED_NOTE = gettext_lazy("Once open, the rubric, eligibility, budget ceiling, currency, duration and deadline are "
                          "fixed; only the wording and attachments change.")
