"""Each app owns its permission rules (`<app>/permissions.py`), and every action the code asks about exists."""

import re
from pathlib import Path

import hetao
from hetao.core.permissions import RULES

SRC = Path(hetao.__file__).parent

# Accounts owns these actions although their prefix names no app of their own.
ACCOUNTS_OWNED = {"organisation", "person_claim", "oidc", "audit", "iddoc", "privacy"}

# The action string: second argument of can()/require(), first of PermissionSessionAuth() (a placeholder such as
# "<app>.<action>" in a docstring is not an action).
ASKED = [
    re.compile(r"\b(?:can|require)\(\s*[^,()]+,\s*[\"'](\w+\.[\w.]+)[\"']"),
    re.compile(r"\bPermissionSessionAuth\(\s*[\"'](\w+\.[\w.]+)[\"']"),
]
NAME = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")


def asked_actions() -> dict[str, str]:
    found = {}
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in ASKED:
            for match in pattern.finditer(text):
                found.setdefault(match.group(1), str(path.relative_to(SRC)))
    return found


def test_every_rule_is_named_app_dot_action_and_declared_by_that_app():
    assert RULES, "no rule was discovered at start-up"
    for name, function in RULES.items():
        assert NAME.match(name), f"{name!r} is not of the form <app>.<action>"
        app = name.split(".")[0]
        owner = "hetao.accounts." if app in ACCOUNTS_OWNED else f"hetao.{app}."
        assert function.__module__.startswith(owner), f"{name} is declared in {function.__module__}, not {owner}"


def test_every_app_with_rules_declares_them_in_its_own_permissions_module():
    for name, function in RULES.items():
        assert function.__module__.endswith(".permissions"), f"{name} is declared in {function.__module__}"


def test_every_action_asked_for_in_the_code_is_a_registered_rule():
    asked = asked_actions()
    # The scan really sees each kind of call (else the test below would pass on nothing).
    assert {"registry.change", "community.publish", "onestop.decide", "passes.scan"} <= set(asked)
    unknown = {action: where for action, where in asked.items() if action not in RULES}
    assert not unknown, f"actions asked for but never declared (always denied): {unknown}"
