"""Conflicts of interest between experts and bids, computed from the park's registry, each with its reason.

The team of a bid is its lead and members (the registry persons of their accounts, and the emails they gave)
plus the bid's organisation. A pair (bid, expert) is in conflict when:

- ``self``: the expert is on the team;
- ``same_org``: the expert and a team person have an affiliation at the same organisation (or the expert one at
  the bid's organisation), each current or ended within the last 3 years; the bid's organisation counts as current;
- ``parent_org``: the same, but one organisation is an ancestor of the other (the whole parent chain, both ways);
- ``shared_project``: the expert and a team person are members of the same registry project, active within the
  last 5 years (no end date, or an end date on or after five years ago);
- ``email_domain``: the expert's account email and a team email share a registrable domain (``ee.cuhk.edu.hk``
  and ``cuhk.edu.hk`` are the same), except public webmail and the domains reserved for examples;
- ``declared``: the bid's declared conflicts name the expert, in any script or romanisation;
- ``officer``: an officer added the conflict (ConflictOverride "add");
- ``self_declared``: the expert declared a conflict on opening the bid (Assignment.declaration).

An officer's "lift" (ConflictOverride "lift") removes every computed reason of the pair (the registry rules and
the declared relations): an officer-lifted pair is allowed. The expert's own declaration is never lifted.

`compute` runs a fixed number of queries whatever the number of bids and experts: it fetches every row it needs
at once, then works on dictionaries.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from hetao.core.chinese import has_han, normalise_for_search
from hetao.core.trilingual import localised

__all__ = ["COMPUTED", "PUBLIC_WEBMAIL", "Reason", "compute", "registrable_domain", "years_before"]

ORG_YEARS = 3
PROJECT_YEARS = 5

# Computed from the registry and the bid (lifted by an officer's "lift"); "officer" and "self_declared" are not.
COMPUTED = ("self", "same_org", "parent_org", "shared_project", "email_domain", "declared")

# Public webmail: a shared domain says nothing about a shared employer.
PUBLIC_WEBMAIL = frozenset({
    "qq.com", "vip.qq.com", "163.com", "126.com", "yeah.net", "188.com", "vip.163.com", "sina.com", "sina.cn",
    "sina.com.cn", "sohu.com", "foxmail.com", "aliyun.com", "139.com", "189.cn", "wo.cn", "tom.com", "21cn.com",
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.com.hk", "live.com", "live.hk",
    "msn.com", "yahoo.com", "yahoo.com.hk", "yahoo.co.uk", "ymail.com", "icloud.com", "me.com", "mac.com",
    "proton.me", "protonmail.com", "pm.me", "netvigator.com", "hkbn.net", "biznetvigator.com", "i-cable.com",
    "ctimail.com", "macau.ctm.net", "ctm.net", "aol.com", "gmx.com", "gmx.net", "mail.com", "zoho.com",
    "yandex.com", "hey.com", "fastmail.com", "tutanota.com",
})
# Reserved for documentation and tests (RFC 2606, RFC 6761): never anyone's employer.
RESERVED_DOMAINS = frozenset({"example.com", "example.org", "example.net"})
RESERVED_TLDS = frozenset({"test", "example", "invalid", "localhost", "local"})
# Second-level labels under which organisations register (cuhk.edu.hk, tsinghua.edu.cn, ox.ac.uk, …).
SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "net", "org", "idv", "mil", "int", "sch", "ltd",
                          "plc", "nhs", "police", "me", "nom", "gen", "firm", "info", "res", "nic"})


@dataclass(frozen=True)
class Reason:
    """Why a pair is in conflict: a code (one per rule) and a sentence naming the facts (translated lazily)."""

    code: str
    text: Any

    def __str__(self) -> str:
        return str(self.text)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def registrable_domain(email_or_domain: str) -> str:
    """The domain an organisation registered: the last two labels, or three under a second-level label of a
    country code (``ee.cuhk.edu.hk`` → ``cuhk.edu.hk``, ``mail.tsinghua.edu.cn`` → ``tsinghua.edu.cn``)."""
    domain = (email_or_domain or "").rsplit("@", 1)[-1].strip().strip(".").lower()
    labels = [label for label in domain.split(".") if label]
    if len(labels) < 2:
        return ""
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _is_public(email: str) -> bool:
    domain = (email or "").rsplit("@", 1)[-1].strip().strip(".").lower()
    registrable = registrable_domain(domain)
    if not registrable:
        return True
    if domain in PUBLIC_WEBMAIL or registrable in PUBLIC_WEBMAIL or registrable in RESERVED_DOMAINS:
        return True
    return registrable.rsplit(".", 1)[-1] in RESERVED_TLDS


# ── Names ────────────────────────────────────────────────────────────────────────────────────────────────────

_LATIN_SPLIT = re.compile(r"[^0-9a-z\u00c0-\u024f]+")
_NOT_HAN = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")


def _latin_tokens(text: str) -> list[str]:
    return [t for t in _LATIN_SPLIT.split(normalise_for_search(text)) if t]


def _name_variants(person: dict) -> tuple[set[str], set[str]]:
    """(Han forms, Latin forms): every way the person's name may be written, comparable after normalising.
    Latin forms are the tokens joined without spaces, in the written order and with the family name moved
    (``Chan Tai Man`` / ``Tai Man Chan``); names of one word are left out (too many people share them)."""
    han, latin = set(), set()
    for field in ("name_en", "name_zh_hans", "name_zh_hant", "romanisation"):
        value = person.get(field) or ""
        if not value.strip():
            continue
        if has_han(value):
            form = _NOT_HAN.sub("", normalise_for_search(value))
            if len(form) >= 2:
                han.add(form)
            continue
        tokens = _latin_tokens(value)
        if len(tokens) < 2:
            continue
        latin.add("".join(tokens))
        latin.add("".join(tokens[1:] + tokens[:1]))
        latin.add("".join(tokens[-1:] + tokens[:-1]))
    return han, latin


def _declared_forms(text: str) -> tuple[str, set[str]]:
    """(the Han characters of the text in Simplified, joined; every run of 2 to 5 Latin words joined)."""
    normalised = normalise_for_search(text or "")
    han = _NOT_HAN.sub("", normalised)
    tokens = [t for t in _LATIN_SPLIT.split(normalised) if t]
    windows = {"".join(tokens[i:i + n]) for n in range(2, 6) for i in range(len(tokens) - n + 1)}
    return han, windows


# ── Wording ──────────────────────────────────────────────────────────────────────────────────────────────────

def _org_name(org: dict) -> str:
    return localised(SimpleNamespace(**org), "name") or org["name_en"]


_lazy_org_name = lazy(_org_name, str)


def _when(end: datetime.date | None) -> Any:
    if end is None:
        return _("now")
    return format_lazy(_("until {month}"), month=end.strftime("%Y-%m"))


def _keep_latest(held: dict[int, datetime.date | None], org_id: int, end: datetime.date | None) -> None:
    """Keep the latest end of the affiliations at `org_id` (None, current, is the latest)."""
    current = held.get(org_id)
    if org_id not in held or current is not None and (end is None or end > current):
        held[org_id] = end


# ── The computation ──────────────────────────────────────────────────────────────────────────────────────────

def compute(bids: Iterable[Any], experts: Iterable[Any], *,
            today: datetime.date | None = None) -> dict[tuple[int, int], list[Reason]]:
    """Every (bid id, expert id) pair in conflict, with its reasons; pairs free of conflict are left out."""
    from hetao.accounts.models import User
    from hetao.registry.models import Affiliation, Organisation, Person, ProjectMember

    from .models import Assignment, BidMember, ConflictOverride, Declaration, MemberStatus

    today = today or timezone.localdate()
    org_since, project_since = years_before(today, ORG_YEARS), years_before(today, PROJECT_YEARS)
    bids, experts = list(bids), list(experts)
    if not bids or not experts:
        return {}
    bid_ids, expert_ids = [b.pk for b in bids], [e.pk for e in experts]

    # The teams: lead and members (accounts and emails), excluding members who declined.
    team_users: dict[int, set[int]] = {b.pk: {b.lead_id} for b in bids}
    team_emails: dict[int, set[str]] = defaultdict(set)
    for bid_id, user_id, email in (BidMember.objects.filter(bid_id__in=bid_ids)
                                   .exclude(status=MemberStatus.DECLINED).values_list("bid_id", "user_id", "email")):
        if user_id:
            team_users[bid_id].add(user_id)
        if email:
            team_emails[bid_id].add(email)
    user_ids = set().union(*team_users.values()) | {e.user_id for e in experts}
    users = {pk: (person_id, email) for pk, person_id, email in
             User.objects.filter(pk__in=user_ids).values_list("pk", "person_id", "email")}
    team_persons: dict[int, set[int]] = {}
    for bid_id, members in team_users.items():
        team_persons[bid_id] = {users[u][0] for u in members if u in users and users[u][0]}
        team_emails[bid_id] |= {users[u][1] for u in members if u in users and users[u][1]}
    expert_person = {e.pk: e.person_id for e in experts}
    person_ids = set().union(*team_persons.values()) | set(expert_person.values())

    # Affiliations within the window, organisations and their parents, projects within the window.
    affiliations: dict[int, dict[int, datetime.date | None]] = defaultdict(dict)  # person → org → latest end
    for person_id, org_id, end in (Affiliation.objects.filter(person_id__in=person_ids)
                                   .exclude(end_date__lt=org_since)
                                   .values_list("person_id", "organisation_id", "end_date")):
        _keep_latest(affiliations[person_id], org_id, end)
    orgs: dict[int, dict[str, Any]] = {row["id"]: dict(row) for row in Organisation.objects.values(
        "id", "parent_id", "name_en", "name_zh_hans", "name_zh_hant")}
    projects: dict[int, set[int]] = defaultdict(set)
    project_rows: dict[int, dict[str, Any]] = {}
    for row in (ProjectMember.objects.filter(person_id__in=person_ids)
                .exclude(project__end_date__lt=project_since)
                .values("person_id", "project_id", "project__code", "project__title_en", "project__end_date")):
        projects[row["person_id"]].add(row["project_id"])
        project_rows[row["project_id"]] = dict(row)
    people: dict[int, dict[str, Any]] = {
        row["id"]: dict(row)
        for row in Person.objects.filter(pk__in=set(expert_person.values())).values(
            "id", "name_en", "name_zh_hans", "name_zh_hant", "romanisation")}
    overrides = {(bid_id, expert_id): (effect, reason) for bid_id, expert_id, effect, reason in
                 ConflictOverride.objects.filter(bid_id__in=bid_ids, expert_id__in=expert_ids)
                 .values_list("bid_id", "expert_id", "effect", "reason")}
    declared_by_expert = {(bid_id, expert_id): reason for bid_id, expert_id, reason in
                          Assignment.objects.filter(bid_id__in=bid_ids, expert_id__in=expert_ids,
                                                    declaration=Declaration.CONFLICT)
                          .values_list("bid_id", "expert_id", "conflict_reason")}

    ancestors_cache: dict[int, set[int]] = {}

    def ancestors(org_id: int) -> set[int]:
        if org_id not in ancestors_cache:
            chain, parent = set(), orgs.get(org_id, {}).get("parent_id")
            while parent is not None and parent not in chain and parent != org_id:
                chain.add(parent)
                parent = orgs.get(parent, {}).get("parent_id")
            ancestors_cache[org_id] = chain
        return ancestors_cache[org_id]

    def name(org_id: int) -> Any:
        org = orgs.get(org_id)
        return _lazy_org_name(org) if org else str(org_id)

    expert_forms = {e.pk: _name_variants(people.get(e.person_id, {})) for e in experts}
    expert_domain = {}
    for e in experts:
        email = users.get(e.user_id, (None, ""))[1] or ""
        expert_domain[e.pk] = "" if _is_public(email) else registrable_domain(email)

    result: dict[tuple[int, int], list[Reason]] = {}
    for bid in bids:
        persons = team_persons[bid.pk]
        team_orgs: dict[int, datetime.date | None] = {}
        for person_id in persons:
            for org_id, end in affiliations.get(person_id, {}).items():
                _keep_latest(team_orgs, org_id, end)
        if bid.organisation_id:
            team_orgs[bid.organisation_id] = None
        team_projects = set().union(*(projects.get(p, set()) for p in persons)) if persons else set()
        domains = {registrable_domain(m) for m in team_emails.get(bid.pk, ()) if not _is_public(m)}
        declared_han, declared_latin = _declared_forms(bid.declared_conflicts)
        for expert in experts:
            reasons: list[Reason] = []
            if expert.person_id in persons or expert.user_id in team_users[bid.pk]:
                reasons.append(Reason("self", _("The expert is a member of the team.")))
            held = affiliations.get(expert.person_id, {})
            for org_id in sorted(set(held) & set(team_orgs)):
                reasons.append(Reason("same_org", format_lazy(
                    _("Both at {organisation} (the expert: {expert_when}; the team: {team_when})."),
                    organisation=name(org_id), expert_when=_when(held[org_id]), team_when=_when(team_orgs[org_id]))))
            for org_id in sorted(held):
                for team_org in sorted(team_orgs):
                    if org_id == team_org:
                        continue
                    if org_id in ancestors(team_org) or team_org in ancestors(org_id):
                        reasons.append(Reason("parent_org", format_lazy(
                            _("{expert_org} (the expert: {expert_when}) and {team_org} (the team: {team_when}) "
                              "are parent and child organisations."),
                            expert_org=name(org_id), expert_when=_when(held[org_id]),
                            team_org=name(team_org), team_when=_when(team_orgs[team_org]))))
            for project_id in sorted(projects.get(expert.person_id, set()) & team_projects):
                project = project_rows[project_id]
                reasons.append(Reason("shared_project", format_lazy(
                    _("The expert and a team member are both on the project {code} “{title}” ({when})."),
                    code=project["project__code"], title=project["project__title_en"],
                    when=_when(project["project__end_date"]))))
            if expert_domain[expert.pk] and expert_domain[expert.pk] in domains:
                reasons.append(Reason("email_domain", format_lazy(
                    _("The expert and a team member have email addresses at {domain}."),
                    domain=expert_domain[expert.pk])))
            han_forms, latin_forms = expert_forms[expert.pk]
            if any(form in declared_han for form in han_forms) or latin_forms & declared_latin:
                reasons.append(Reason("declared", _("The team's declared conflicts name the expert.")))
            override = overrides.get((bid.pk, expert.pk))
            if override and override[0] == "lift":
                reasons = []
            elif override and override[0] == "add":
                reasons.append(Reason("officer", format_lazy(_("Added by an officer: {reason}"),
                                                             reason=override[1])))
            if (bid.pk, expert.pk) in declared_by_expert:
                reasons.append(Reason("self_declared", format_lazy(
                    _("The expert declared a conflict: {reason}"), reason=declared_by_expert[(bid.pk, expert.pk)])))
            if reasons:
                result[(bid.pk, expert.pk)] = reasons
    return result
