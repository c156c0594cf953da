"""The offline gate: sync the lists from the running park, then verify without the park; and garbage in,
a reason out — never an exception."""

import datetime
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hetao.passes import keys, services
from hetao.passes.models import AccessPoint, AccessRule, PassHolder
from hetao.passes.sync import sync
from hetao.passes.verifier import REASONS, Verifier
from hetao.registry.models import Park


@pytest.fixture
def key_dir(settings, tmp_path):
    settings.HETAO_PASS_KEY_DIR = tmp_path / "passes"
    keys.create(settings.HETAO_PASS_KEY_DIR, datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1))
    services._key_cache.clear()


@pytest.mark.django_db(transaction=True)
def test_sync_then_verify_offline_and_learn_revocations(live_server, demo_park, key_dir, tmp_path):
    from django.contrib.auth import get_user_model

    point = AccessPoint(code="offline-gate", kind="door", park=Park.objects.get(code="shenzhen"), name_en="Door")
    point.full_clean()
    point.save()
    rule = AccessRule.objects.create(access_point=point, grant="person",
                                     user=get_user_model().objects.create_user("o", "o@example.org", "pw-o-123456"))
    token = point.issue_token()
    user = rule.user
    text, _exp = services.code_for(user)
    out = tmp_path / "gate"
    assert sync(live_server.url, token, out) == (1, 0)
    trust = json.loads((out / "trust-list.json").read_text())
    revoked = json.loads((out / "revocations.json").read_text())["revoked"]
    assert Verifier(zone="hetao", trust_list=trust, revocations=revoked, access_point="offline-gate").verify(text).ok
    from tests.conftest import staff_in

    # Removing the person's access right revokes their codes.
    services.access_rule_remove(actor=staff_in("sec", "facilities_security", "head"), rule=rule)
    assert PassHolder.objects.get(user=user).epoch == 2
    sync(live_server.url, token, out)
    revoked = json.loads((out / "revocations.json").read_text())["revoked"]
    gate = Verifier(zone="hetao", trust_list=trust, revocations=revoked, access_point="offline-gate")
    assert gate.verify(text).reason == "revoked"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=700), st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:",
                                                 max_size=400).map(lambda s: "HT1:" + s)))
def test_any_text_gets_a_reason_never_an_exception(text):
    result = Verifier(zone="hetao", trust_list={"keys": []}).verify(text)
    assert not result.ok and result.reason in REASONS
