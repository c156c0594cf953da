"""Every page of the park, rendered in 简体 and 繁體, shows no English UI text and no off-standard wording.

The pages are enumerated from the URL configuration: a new page fails `test_every_page_is_covered` until it is
added to PAGES (with the role that sees it and the demo objects it needs) or to NOT_PAGES (with the reason).
Only visible text is checked — text nodes and the attributes people read or hear (placeholder, title,
aria-label, alt, button values) — outside <script>/<style> and outside elements marked as another language
(`lang="en"`: a record that has no text in the page's language, see hetao.core.templatetags.trilingual).
"""

import contextlib
import functools
import re
from html.parser import HTMLParser
from pathlib import Path

import allauth
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern

from tests.conftest import ensure_departments, staff_in

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ["zh-hans", "zh-hant"]

# English UI words that must not remain on a Chinese page (case-sensitive, whole words).
FORBIDDEN_ENGLISH = [
    "Sign in", "Sign In", "Sign out", "Sign Out", "Sign up", "Sign Up", "Log in", "Login", "Logout", "Log out",
    "Email address", "Email addresses", "E-mail", "Email", "email", "Successfully", "successfully", "Password",
    "password", "optional", "Optional", "Submit", "Next", "Back", "Previous", "Search", "Page not found",
    "Not Found", "Server error", "Server Error", "Forbidden", "Bad Request", "Two-Factor", "Two-factor",
    "two-factor", "Authenticator", "authenticator", "Recovery", "recovery codes", "Passkey", "passkey",
    "Security key", "security key", "Remember Me", "Forgot", "Cancel", "Save", "Delete", "Remove", "Continue",
    "Confirm", "Verify", "Verified", "Unverified", "Primary", "Sessions", "Download", "Activate", "Deactivate",
    "Reauthenticate", "Inbox", "Username", "This field", "Make Primary", "Re-send", "Add Email", "Change Email",
    "Already have an account", "Don't have an account", "Use a security key", "Menu",
]
_FORBIDDEN = re.compile(r"(?<![\w@.-])(" + "|".join(re.escape(w) for w in FORBIDDEN_ENGLISH) + r")(?![\w-])")

# Off-standard wording: Taiwan or Mainland terms on 繁體 (Hong Kong) pages, mixed terms on 简体 pages.
FORBIDDEN_WORDING = {
    "zh-hant": ["電子郵件", "電子郵箱", "郵箱", "Email地址", "帳號", "賬戶", "賬號", "登錄", "信息", "軟體", "手機",
                "聯繫", "使用者", "網路", "數位", "兩步驟", "二步驟", "兩階段", "螢幕", "视", "们", "这"],
    "zh-hans": ["Email地址", "帐号", "帐户", "账号", "登入", "帳", "郵", "電", "兩步", "两步"],
}


def english_msgids() -> set[str]:
    """English sentences the park and allauth translate: seeing one on a Chinese page means it was not."""
    from tests.test_i18n import entries

    catalogues = [ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
                  Path(allauth.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"]
    found = set()
    for path in catalogues:
        for msgid in entries(path):
            text = msgid.split("\x04")[-1]
            if "%" not in text and "{" not in text and len(text) >= 10 and len(text.split()) >= 2:
                found.add(text)
    return found


@functools.cache
def _msgid_pattern() -> re.Pattern:
    texts = sorted(english_msgids(), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in texts) + r")(?!\w)")


class VisibleText(HTMLParser):
    """The text a reader sees or hears in `language`: without script/style and without parts marked as being in
    another language (lang="en" on an English-only record, the language menu's own names)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
            "wbr"}
    HIDDEN = {"script", "style", "template"}
    LITERAL = {"code", "kbd", "samp"}  # identifiers shown as typed (scope names, codes), not words to translate
    READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language.lower()
        self.stack: list[tuple[str, str]] = []  # (tag, "shown" | "marked" (another language) | "hidden")
        self.parts: list[str] = []
        self.marked: list[str] = []  # text marked as another language, e.g. an English-only record

    @property
    def state(self) -> str:
        return self.stack[-1][1] if self.stack else "shown"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        state = self.state
        if tag in self.HIDDEN | self.LITERAL:
            state = "hidden"
        elif state == "shown" and not (attrs.get("lang") or self.language).lower().startswith(self.language):
            state = "marked"
        if state == "shown":
            self.parts.extend(attrs[name] for name in self.READ_ATTRIBUTES if attrs.get(name))
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, state))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if data.strip() and self.state != "hidden":
            (self.parts if self.state == "shown" else self.marked).append(data.strip())


def visible_text(html: str, language: str) -> str:
    """The text shown in the page's language, with a line per translatable string wrongly marked as another
    language (a `lang` attribute must mark content that lacks the page's language, never the park's own words)."""
    parser = VisibleText(language)
    parser.feed(html)
    parser.close()
    mislabelled = _msgid_pattern().findall("\n".join(parser.marked))
    return "\n".join(parser.parts + [f"MARKED AS ANOTHER LANGUAGE: {m}" for m in mislabelled])


@contextlib.contextmanager
def recorded_translations():
    """Every (msgid, translation) looked up meanwhile: the UI text of a page, apart from its data."""
    from django.utils.translation.trans_real import DjangoTranslation

    seen: list[tuple[str, str]] = []
    gettext, ngettext = DjangoTranslation.gettext, DjangoTranslation.ngettext

    def recording_gettext(self, message):
        result = gettext(self, message)
        seen.append((message, result))
        return result

    def recording_ngettext(self, singular, plural, number):
        result = ngettext(self, singular, plural, number)
        seen.append((singular, result))
        return result

    DjangoTranslation.gettext, DjangoTranslation.ngettext = recording_gettext, recording_ngettext
    try:
        yield seen
    finally:
        DjangoTranslation.gettext, DjangoTranslation.ngettext = gettext, ngettext


def problems_in(text: str, language: str, translations=()) -> list[str]:
    """English left in `text`; off-standard wording in the translations the page used (not in its data)."""
    text = re.sub(r"https?://\S+", " ", text)  # links in emails: their paths are not words to translate
    found = [f"English “{m}”" for m in _FORBIDDEN.findall(text)]
    found += [f"untranslated “{m}”" for m in _msgid_pattern().findall(text)]
    found += [f"wording “{w}” in “{translated}”" for _msgid, translated in translations
              for w in FORBIDDEN_WORDING[language] if w in translated]
    return sorted(set(found))


# ── The demo park with its accounts, services, applications and community ──────────────────────────────────


@pytest.fixture
def demo(db, settings, tmp_path):
    """The demo accounts (one per role), services, applications and passes, on top of the session's registry."""
    import datetime
    import io

    from django.core.management import call_command

    from hetao.accounts.demo import load_demo_accounts
    from hetao.onestop.demo import load_demo_applications
    from hetao.passes import keys
    from hetao.passes import services as pass_services
    from hetao.passes.demo import load_demo_passes

    settings.HETAO_PASS_KEY_DIR = tmp_path / "passes"
    keys.create(settings.HETAO_PASS_KEY_DIR, datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1))
    pass_services._key_cache.clear()
    ensure_departments()
    if not get_user_model().objects.filter(email="applicant@example.org").exists():
        load_demo_accounts()
        call_command("import_services", stdout=io.StringIO())
        load_demo_applications()
        load_demo_passes()
        from hetao.challenges.demo import load_demo_challenges

        load_demo_challenges()
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(get_user_model().objects.get(email=OFFICER))  # the recovery-codes pages need some
    return Objects()


class Objects:
    """The demo objects pages are opened with, found lazily by what they are, not by database id."""

    @functools.cached_property
    def applicant(self):
        return get_user_model().objects.get(email="applicant@example.org")

    def user(self, email):
        return get_user_model().objects.get(email=email)

    @functools.cached_property
    def draft(self):
        return self.applicant.applications.get(status="draft")

    @functools.cached_property
    def submitted(self):
        return self.applicant.applications.exclude(reference="").filter(status="submitted").first()

    @functools.cached_property
    def decided(self):
        return self.applicant.applications.filter(status="approved").first()

    @functools.cached_property
    def event(self):
        from hetao.community.models import Event

        return Event.objects.order_by("starts_at").first()

    @functools.cached_property
    def person(self):
        return self.user("orgadmin@example.org").person

    @functools.cached_property
    def project(self):
        from hetao.registry.models import Project

        return Project.objects.order_by("code").first()

    @functools.cached_property
    def invitation(self):
        from hetao.accounts import services
        from hetao.registry.models import Organisation

        organisation = Organisation.objects.get(slug="hkust-sz-hk-institute")
        return services.invitation_create(actor=self.user("orgadmin@example.org"), organisation=organisation,
                                          email="invitee@example.org")

    @functools.cached_property
    def partner_client(self):
        from oauth2_provider.models import Application

        return Application.objects.get(client_id="demo-partner")

    @functools.cached_property
    def letter_token(self):
        from hetao.core.pdf import verification_token
        from hetao.onestop.pdf import fingerprint

        return verification_token(reference=self.decided.reference, kind="letter",
                                  fingerprint=fingerprint(self.decided, "letter"))

    @functools.cached_property
    def identity_document(self):
        from hetao.accounts import services

        return services.identity_document_add(actor=self.applicant, kind="hkid", number="A123456(3)")


ANONYMOUS, MEMBER, ORG_ADMIN, OFFICER, GATE, HEAD, DATA_HEAD, ADMIN = (
    None, "applicant@example.org", "orgadmin@example.org", "security.officer@example.org", "gate@example.org",
    "head", "data.head@example.org", "admin@example.org")

def topic_in(status: str) -> dict:
    """A demo challenge topic in `status` (the applicant's draft; any published or submitted one)."""
    from hetao.challenges.models import Topic

    topics = Topic.objects.filter(status=status)
    if status == "draft":
        topics = topics.filter(proposer__email=MEMBER)
    return {"pk": topics.order_by("pk").values_list("pk", flat=True).first()}


RESEARCH_OFFICER = "research.officer@example.org"
REVIEWER = "reviewer@example.org"  # an expert of the demo pool


def demo_challenge(*statuses: str) -> dict:
    """A demo challenge in one of `statuses` (open ones accept bids; closed ones have bids to open)."""
    from hetao.challenges.models import Challenge

    return {"code": Challenge.objects.filter(status__in=statuses).order_by("code").values_list(
        "code", flat=True).first()}


def demo_bid(*statuses: str) -> dict:
    """The applicant's bid (as lead or member) in a challenge in one of `statuses`."""
    from django.db.models import Q

    from hetao.challenges.models import Bid

    mine = Q(lead__email=MEMBER) | Q(members__user__email=MEMBER, members__status="confirmed")
    return {"pk": Bid.objects.filter(mine, challenge__status__in=statuses).exclude(status="draft")
            .order_by("pk").values_list("pk", flat=True).first()}


def demo_assignment(declaration: str) -> dict:
    """The demo reviewer's deployed assignment with `declaration` (reviewable: in review or defence)."""
    from hetao.challenges.models import Assignment

    found = Assignment.objects.filter(expert__user__email=REVIEWER, run__status="deployed", declaration=declaration)
    if declaration == "no_conflict":
        found = found.filter(bid__challenge__status__in=("review", "defence"))
    return {"pk": found.order_by("pk").values_list("pk", flat=True).first()}


def demo_consensus() -> dict:
    from hetao.challenges.models import Consensus

    return {"pk": Consensus.objects.filter(bid__challenge__status__in=("review", "defence", "awarded"))
            .order_by("bid_id").values_list("bid_id", flat=True).first()}


def demo_invitation() -> dict:
    from hetao.challenges.models import BidMember

    return {"token": BidMember.objects.filter(status="invited").order_by("pk").values_list("token", flat=True).first()}


# url name → (who opens it, URL arguments from the demo objects, query string)
PAGES = {
    "registry:home": (ANONYMOUS, None, ""),
    "registry:search": (ANONYMOUS, None, "?q=HKUST"),
    "registry:organisations": (ANONYMOUS, None, ""),
    "registry:organisation": (ANONYMOUS, lambda o: {"slug": "hkust-sz-hk-institute"}, ""),
    "registry:people": (ANONYMOUS, None, ""),
    "registry:person": (ANONYMOUS, lambda o: {"pk": o.person.pk}, ""),
    "registry:projects": (ANONYMOUS, None, ""),
    "registry:project": (ANONYMOUS, lambda o: {"code": o.project.code}, ""),
    "registry:spaces": (ANONYMOUS, None, ""),
    "registry:park": (ANONYMOUS, lambda o: {"code": "shenzhen"}, ""),
    "community:announcements": (ANONYMOUS, None, ""),
    "community:events": (ANONYMOUS, None, ""),
    "community:event": (MEMBER, lambda o: {"pk": o.event.pk}, ""),
    "community:groups": (MEMBER, None, ""),
    "community:inbox": (MEMBER, None, ""),
    "community:email_settings": (MEMBER, None, ""),
    "onestop:catalogue": (ANONYMOUS, None, ""),
    "onestop:figures": (ANONYMOUS, None, ""),
    "onestop:service": (MEMBER, lambda o: {"code": "venue-booking"}, ""),
    "onestop:page": (MEMBER, lambda o: {"pk": o.draft.pk, "index": 0}, ""),
    "onestop:check": (MEMBER, lambda o: {"pk": o.draft.pk}, ""),
    "onestop:confirmation": (MEMBER, lambda o: {"reference": o.submitted.reference}, ""),
    "onestop:mine": (MEMBER, None, ""),
    "onestop:mine_detail": (MEMBER, lambda o: {"reference": o.decided.reference}, ""),
    "onestop:verify": (ANONYMOUS, lambda o: {"token": o.letter_token}, ""),
    "onestop:queue": (OFFICER, None, ""),
    "onestop:review": (OFFICER, lambda o: {"reference": o.submitted.reference}, ""),
    "challenges:topics": (ANONYMOUS, None, ""),
    "challenges:topic": (MEMBER, lambda o: topic_in("published"), ""),
    "challenges:propose": (MEMBER, None, ""),
    "challenges:edit": (MEMBER, lambda o: topic_in("draft"), ""),
    "challenges:mine": (MEMBER, None, ""),
    "challenges:queue": (RESEARCH_OFFICER, None, ""),
    "challenges:screen": (RESEARCH_OFFICER, lambda o: topic_in("submitted"), ""),
    "challenges:challenges": (ANONYMOUS, None, ""),
    "challenges:challenge": (ANONYMOUS, lambda o: demo_challenge("open"), ""),
    "challenges:results": (ANONYMOUS, lambda o: demo_challenge("awarded"), ""),
    "challenges:officer_challenges": (RESEARCH_OFFICER, None, ""),
    "challenges:challenge_new": (RESEARCH_OFFICER, None, ""),
    "challenges:challenge_edit": (RESEARCH_OFFICER, lambda o: demo_challenge("open"), ""),
    "challenges:bid_start": (MEMBER, lambda o: demo_challenge("open"), ""),
    "challenges:bid": (MEMBER, lambda o: demo_bid("open", "review", "defence", "awarded"), ""),
    "challenges:my_bids": (MEMBER, None, ""),
    "challenges:invitation": (MEMBER, lambda o: demo_invitation(), ""),  # not the invited address: 403
    "challenges:challenge_bids": (RESEARCH_OFFICER, lambda o: demo_challenge("review", "defence"), ""),
    "challenges:bid_result": (MEMBER, lambda o: demo_bid("awarded"), ""),
    "challenges:experts": (RESEARCH_OFFICER, None, ""),
    "challenges:conflicts": (RESEARCH_OFFICER, lambda o: demo_challenge("review", "defence"), ""),
    "challenges:assignment": (RESEARCH_OFFICER, lambda o: demo_challenge("review", "defence"), ""),
    "challenges:expert_home": (REVIEWER, None, ""),
    "challenges:declare": (REVIEWER, lambda o: demo_assignment("no_conflict"), ""),
    "challenges:my_reviews": (REVIEWER, None, ""),
    "challenges:review": (REVIEWER, lambda o: demo_assignment("no_conflict"), ""),
    "challenges:panel": (RESEARCH_OFFICER, lambda o: demo_challenge("review", "defence"), ""),
    "challenges:consensus": (RESEARCH_OFFICER, lambda o: demo_consensus(), ""),
    "passes:my_code": (MEMBER, None, ""),
    "passes:my_code_fragment": (MEMBER, None, ""),
    "passes:invite_visitor": (MEMBER, None, ""),
    "passes:scanner": (GATE, None, ""),
    "passes:access_log": (GATE, None, ""),
    "accounts:home": (MEMBER, None, ""),
    "accounts:profile": (MEMBER, None, ""),
    "accounts:documents": (MEMBER, None, ""),
    "accounts:privacy": (MEMBER, None, ""),
    "accounts:privacy_export": (MEMBER, lambda o: {"fmt": "html"}, ""),
    "accounts:members": (ORG_ADMIN, lambda o: {"slug": "hkust-sz-hk-institute"}, ""),
    "accounts:join": (MEMBER, lambda o: {"slug": "hku"}, ""),
    "accounts:invitation": (ANONYMOUS, lambda o: {"token": o.invitation.token}, ""),
    "accounts:reveal_document": (HEAD, lambda o: {"pk": o.identity_document.pk}, ""),
    "accounts:person_search": (MEMBER, None, "?q=Yang"),
    "accounts:clients": (DATA_HEAD, None, ""),
    "accounts:client_new": (DATA_HEAD, None, ""),
    "accounts:client_edit": (DATA_HEAD, lambda o: {"pk": o.partner_client.pk}, ""),
    "account_login": (ANONYMOUS, None, ""),
    "account_signup": (ANONYMOUS, None, ""),
    "account_logout": (MEMBER, None, ""),
    "account_inactive": (ANONYMOUS, None, ""),
    "account_reauthenticate": (MEMBER, None, ""),
    "account_email": (MEMBER, None, ""),
    "account_email_verification_sent": (ANONYMOUS, None, ""),
    "account_change_password": (MEMBER, None, ""),
    "account_set_password": (MEMBER, None, ""),  # has a password: redirects to the change page
    "account_reset_password": (ANONYMOUS, None, ""),
    "account_reset_password_done": (ANONYMOUS, None, ""),
    "account_reset_password_from_key_done": (ANONYMOUS, None, ""),
    "account_confirm_email": (ANONYMOUS, lambda o: {"key": "no-such-key"}, ""),  # the "invalid link" page
    "account_reset_password_from_key": (ANONYMOUS, lambda o: {"uidb36": "0", "key": "no-such-key"}, ""),
    "mfa_index": (OFFICER, None, ""),
    "mfa_activate_totp": (MEMBER, None, ""),
    "mfa_deactivate_totp": (OFFICER, None, ""),
    "mfa_view_recovery_codes": (OFFICER, None, ""),
    "mfa_generate_recovery_codes": (OFFICER, None, ""),
    "mfa_list_webauthn": (MEMBER, None, ""),
    "mfa_add_webauthn": (MEMBER, None, ""),
    "mfa_reauthenticate": (OFFICER, None, ""),
    "usersessions_list": (MEMBER, None, ""),
    "socialaccount_connections": (MEMBER, None, ""),
    "socialaccount_login_cancelled": (ANONYMOUS, None, ""),
    "socialaccount_login_error": (ANONYMOUS, None, ""),
    "admin:index": (ADMIN, None, ""),
}

# Pages that answer with another status than 200 by design.
STATUS = {"socialaccount_login_error": 401, "challenges:invitation": 403}

# url names that are not pages to read in a language, and why.
NOT_PAGES = {
    "javascript-catalog": "JavaScript, not a page (its strings are checked by the catalogue tests)",
    "accounts:claim_person": "POST only (the form is on accounts:home)",
    "accounts:create_person": "POST only (the form is on accounts:home)",
    "accounts:membership_action": "POST only (the form is on accounts:members)",
    "accounts:join_request_action": "POST only (the form is on accounts:members)",
    "community:read": "POST only: marks a notification read and redirects to it",
    "onestop:receipt": "a PDF (its languages are checked by the PDF tests)",
    "onestop:letter": "a PDF (its languages are checked by the PDF tests)",
    "onestop:document": "a stored file, not a page",
    "passes:lost_phone": "POST only (the button is on passes:my_code)",
    "accounts:client_secret": "POST only: shows a new secret once (the button is on accounts:client_edit)",
    "accounts:client_status": "POST only (the button is on accounts:client_edit)",
    "passes:scanner_check": "POST only: the scanner's result fragment (checked in test_scanner_result_is_translated)",
    "account_confirm_login_code": "sign-in by code is off (ACCOUNT_LOGIN_BY_CODE_ENABLED is not set)",
    "mfa_authenticate": "the second step of a sign-in in progress (test_the_two_factor_step_is_translated)",
    "mfa_download_recovery_codes": "a text file of codes",
    "mfa_reauthenticate_webauthn": "a passkey ceremony started from mfa_reauthenticate (JSON and redirects)",
    "mfa_remove_webauthn": "needs a registered passkey; the list page shows its strings",
    "mfa_edit_webauthn": "needs a registered passkey; the list page shows its strings",
    "mfa_login_webauthn": "the passkey sign-in ceremony (JSON)",
    "socialaccount_signup": "needs an upstream sign-in in progress; redirects to sign-in otherwise",
    "openid_connect_login": "redirects to the upstream identity provider",
    "openid_connect_callback": "the upstream identity provider's redirect back",
    "set_language": "POST only: switches the language",
    "challenges:challenge_action": "POST only (the buttons are on challenges:challenge)",
    "challenges:attachment": "a stored file, not a page",
    "challenges:bid_document": "a stored file, not a page",
    "challenges:review_document": "a PDF without its metadata (checked by tests/challenges/test_blind_leak.py)",
    "challenges:bid_pdf": "a PDF (its languages and fonts are checked by tests/challenges/test_bids_pages.py)",
    "challenges:consensus_pdf": "a PDF (checked by the reviews' tests)",
    "challenges:export": "an XLSX workbook for the panel",
}


def locale_patterns():
    """(url name, pattern) of every named page under the language prefix, admin pages folded into admin:index."""
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                if inner == "admin:":
                    yield "admin:index"
                    continue
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}"

    resolver = next(p for p in get_resolver().url_patterns
                    if isinstance(p, URLResolver) and isinstance(p.pattern, LocalePrefixPattern))
    return set(walk(resolver.url_patterns))


def test_every_page_is_covered():
    names = locale_patterns()
    uncovered = names - set(PAGES) - set(NOT_PAGES)
    assert uncovered == set(), "add these pages to PAGES (role, objects) or NOT_PAGES (reason)"
    assert set(PAGES) - names == set(), "pages listed here that no longer exist"


def client_for(who, demo_objects, language: str) -> Client:
    client = Client()
    client.cookies["hetao_language"] = language
    if who == HEAD:
        user = staff_in("h6head", "talent_services", "head")
    elif who is not None:
        user = demo_objects.user(who)
    else:
        return client
    user.preferred_language = language  # the account's language decides sign-in redirects and emails
    user.save(update_fields=["preferred_language"])
    client.force_login(user)  # a complete sign-in (password and, for staff, the second factor)
    return client


def page_problems(client: Client, url: str, language: str, status: int = 200) -> list[str]:
    with recorded_translations() as translations:
        response = client.get(url, follow=True)
    if response.status_code != status:
        return [f"status {response.status_code} after {response.redirect_chain}"]
    html = response.content.decode()
    if "/admin/" in url:  # Django's own back office: its catalogues, Taiwan wording included, are Django's
        translations = []
    found = problems_in(visible_text(html, language), language, translations)
    opening = re.search(r"<html[^>]*\blang=\"([^\"]+)\"", html)
    if opening and not opening.group(1).lower().startswith(language):
        found.append(f"<html lang={opening.group(1)}>")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_speaks_the_page_language(demo, language):
    from django.urls import reverse
    from django.utils import translation

    failures = {}
    for name, (who, arguments, query) in sorted(PAGES.items()):
        with translation.override(language):
            url = reverse(name, kwargs=arguments(demo) if arguments else None) + query
        found = page_problems(client_for(who, demo, language), url, language, STATUS.get(name, 200))
        if found:
            failures[f"{name} {url}"] = found
    assert not failures, "\n".join(f"{page}: {'; '.join(found)}" for page, found in failures.items())


def shown(response, language: str, translations=()) -> list[str]:
    return problems_in(visible_text(response.content.decode(), language), language, translations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_error_pages_are_the_parks_own_and_translated(demo, language, client):
    client.cookies["hetao_language"] = language
    with recorded_translations() as used:
        missing = client.get(f"/{language}/no-such-page/")
    assert missing.status_code == 404
    assert {"zh-hans": "找不到页面", "zh-hant": "找不到頁面"}[language] in missing.content.decode()
    assert 'class="site-header"' in missing.content.decode()  # the park's layout
    assert shown(missing, language, used) == []

    client.force_login(get_user_model().objects.get(email="applicant@example.org"))
    with recorded_translations() as used:
        denied = client.get(f"/{language}/work/")
    assert denied.status_code == 403
    assert {"zh-hans": "您不能打开此页面", "zh-hant": "你不能開啟此頁面"}[language] in denied.content.decode()
    assert shown(denied, language, used) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_request_shows_its_message_in_the_page_language(demo, language):
    from django.core.exceptions import BadRequest
    from django.test import RequestFactory
    from django.utils import translation

    from hetao.core.errors import bad_request
    from hetao.core.params import int_param

    request = RequestFactory().get(f"/{language}/account/documents/")
    request.user = get_user_model().objects.get(email="applicant@example.org")
    with translation.override(language), recorded_translations() as used:
        with pytest.raises(BadRequest) as error:
            int_param({"version": "abc"}, "version")
        response = bad_request(request, error.value)
    assert response.status_code == 400
    with translation.override(language):
        assert str(error.value) in response.content.decode() and str(error.value) != "“version” must be a whole number."
    assert shown(response, language, used) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_server_error_page_needs_no_database_and_is_translated(db, language, django_assert_num_queries):
    from django.test import RequestFactory
    from django.utils import translation

    from hetao.core.errors import server_error

    with translation.override(language), django_assert_num_queries(0), recorded_translations() as used:
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert {"zh-hans": "服务器错误", "zh-hant": "伺服器錯誤"}[language] in html
    assert {"zh-hans": '<html lang="zh-Hans"', "zh-hant": '<html lang="zh-Hant-HK"'}[language] in html
    assert shown(response, language, used) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_sent_without_its_token_gets_the_parks_page(demo, language):
    client = Client(enforce_csrf_checks=True)
    client.cookies["hetao_language"] = language
    with recorded_translations() as used:
        response = client.post(f"/{language}/accounts/login/", {"login": "x@example.org", "password": "x"})
    assert response.status_code == 403
    assert 'class="site-header"' in response.content.decode()
    assert shown(response, language, used) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_signing_in_and_out_greets_with_the_whole_name_in_the_page_language(demo, language, client):
    user = get_user_model().objects.get(email="applicant@example.org")
    user.first_name, user.last_name, user.preferred_language = "嘉欣", "陳", language
    user.save()
    client.cookies["hetao_language"] = language
    with recorded_translations() as used:
        signed_in = client.post(f"/{language}/accounts/login/", {"login": user.email,
                                                                  "password": "hetao-demo-2026"}, follow=True)
    assert signed_in.status_code == 200 and signed_in.redirect_chain
    [message] = [str(m) for m in signed_in.context["messages"]]
    assert "陳嘉欣" in message and "嘉欣 陳" not in signed_in.content.decode()
    assert shown(signed_in, language, used) == []
    with recorded_translations() as used:
        signed_out = client.post(f"/{language}/accounts/logout/", follow=True)
    assert [str(m) for m in signed_out.context["messages"]] and shown(signed_out, language, used) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_account_changes_answer_in_the_page_language(demo, language):
    """The messages after changing the password, adding an address and signing out other sessions."""
    client = client_for(MEMBER, demo, language)
    steps = [
        (f"/{language}/accounts/password/change/", {"oldpassword": "hetao-demo-2026",
                                                    "password1": "another-pass-phrase-7",
                                                    "password2": "another-pass-phrase-7"}),
        (f"/{language}/accounts/email/", {"action_add": "", "email": "second@example.org"}),
        (f"/{language}/accounts/email/", {"action_add": "", "email": "not an address"}),
        (f"/{language}/accounts/sessions/", {}),
    ]
    for url, data in steps:
        with recorded_translations() as used:
            response = client.post(url, data, follow=True)
        assert response.status_code == 200, url
        assert shown(response, language, used) == [], url


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_two_factor_step_is_translated(demo, language, client):
    client.cookies["hetao_language"] = language
    with recorded_translations() as used:
        response = client.post(f"/{language}/accounts/login/", {"login": "gate@example.org",
                                                                 "password": "hetao-demo-2026"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("/accounts/2fa/authenticate/")
    assert shown(response, language, used) == []
    with recorded_translations() as used:
        wrong = client.post(f"/{language}/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and shown(wrong, language, used) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_and_sign_up_errors_are_translated(demo, language, client):
    client.cookies["hetao_language"] = language
    for url, data in [(f"/{language}/accounts/login/", {"login": "applicant@example.org", "password": "wrong"}),
                      (f"/{language}/accounts/signup/", {"email": "applicant@example.org", "password1": "short",
                                                         "password2": "other"})]:
        with recorded_translations() as used:
            response = client.post(url, data)
        assert response.status_code == 200 and shown(response, language, used) == [], url


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_scanner_result_is_translated(demo, language):
    client = client_for(GATE, demo, language)
    with recorded_translations() as used:
        response = client.post(f"/{language}/gate/check/", {"access_point": "sz-main-gate", "code": "NOT A CODE"})
    assert response.status_code in (200, 400)
    assert shown(response, language, used) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_account_emails_are_in_the_recipients_language(demo, language, client):
    """allauth's emails (confirmation, password reset, change notices) and the park's own, with their subjects."""
    client.cookies["hetao_language"] = language
    user = get_user_model().objects.get(email="applicant@example.org")
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    with recorded_translations() as used:
        client.post(f"/{language}/accounts/signup/", {
            "email": "newcomer@example.org", "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9", "first_name": "小明", "last_name": "陳"})
        Client().post("/en/accounts/password/reset/", {"email": user.email})  # the account's language wins
        client.force_login(user)
        client.post(f"/{language}/accounts/password/change/", {
            "oldpassword": "hetao-demo-2026", "password1": "another-pass-phrase-7",
            "password2": "another-pass-phrase-7"})
    assert len(mail.outbox) >= 2
    for message in mail.outbox:
        assert problems_in(message.subject + "\n" + message.body, language, used) == [], message.subject


def test_the_checker_reads_what_people_read_and_reports_the_parks_words_marked_as_english():
    html = ('<html lang="zh-Hant-HK"><head><title>Sign in</title><script>var Search = 1;</script></head><body>'
            '<input type="submit" value="Submit"><img alt="Password"><span lang="en">Hall B</span>'
            '<option lang="zh-hans">简体中文</option><code>email</code>'
            '<li lang="en">Are you sure you want to sign out?</li></body></html>')
    text = visible_text(html, "zh-hant")
    assert "Search" not in text and "Hall B" not in text and "简体中文" not in text and "email" not in text
    assert problems_in(text, "zh-hant") == [
        "English “Password”", "English “Sign in”", "English “Submit”",
        "untranslated “Are you sure you want to sign out?”"]
    assert problems_in("", "zh-hant", [("Lost your phone?", "遺失手機？")]) == ["wording “手機” in “遺失手機？”"]
