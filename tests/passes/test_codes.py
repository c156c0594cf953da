"""Park codes: every denial reason, a real QR round trip, the checkpoint API, revocation and the offline verifier."""

import datetime
import io
import json
import os
import time

import base45
import cbor2
import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from hetao.passes import keys, services
from hetao.passes.models import AccessLog, AccessPoint, AccessRule, PassHolder
from hetao.passes.verifier import CTI, EPOCH, EXP, IAT, ISS, KIND, NBF, SUB, Verifier
from hetao.registry.models import Park

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def key_dir(settings, tmp_path):
    settings.HETAO_PASS_KEY_DIR = tmp_path / "passes"
    keys.create(settings.HETAO_PASS_KEY_DIR, datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1))
    services._key_cache.clear()
    return settings.HETAO_PASS_KEY_DIR


@pytest.fixture
def gate(db):
    point = AccessPoint(code="test-gate", kind="gate", park=Park.objects.get(code="shenzhen"), name_en="Test gate")
    point.full_clean()
    point.save()
    AccessRule.objects.create(access_point=point, grant="anyone")
    return point


def offline(now=None, revocations=None, point="test-gate") -> Verifier:
    return Verifier(zone="hetao", trust_list=services.trust_list(), revocations=revocations or {},
                    access_point=point, clock=(lambda: now) if now else time.time)


def test_member_code_is_small_short_lived_and_pseudonymous(member_user):
    text, expires = services.code_for(member_user)
    assert text.startswith("HT1:") and expires - time.time() <= 60
    claims = cbor2.loads(cbor2.loads(base45.b45decode(text[4:])).value[2])
    assert claims[SUB] == PassHolder.objects.get(user=member_user).pseudonym
    assert member_user.email not in str(claims) and member_user.username not in str(claims)
    import segno

    assert segno.make(text, error="m").version <= 10


def test_qr_round_trip_through_a_real_image(member_user):
    text, _exp = services.code_for(member_user)
    import segno

    png = io.BytesIO()
    segno.make(text, error="m").save(png, kind="png", scale=4, border=4)
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.getvalue())))
    assert [r.text for r in decoded] == [text]
    assert offline().verify(decoded[0].text).ok


def test_offline_verifier_every_reason(member_user, key_dir):
    text, exp = services.code_for(member_user)
    verifier = offline()
    assert verifier.verify(text).ok
    assert verifier.verify(text).reason == "replayed"  # same nonce at the same gate
    assert offline().verify("HT1:%%%not base45").reason == "malformed"
    assert offline().verify("hello").reason == "malformed"
    assert offline().verify(text[:60]).reason == "malformed"  # truncated
    assert offline().verify("HT1:" + "A" * 2000).reason == "too_large"
    assert offline(now=exp + 30).verify(text).reason == "expired"
    assert offline(now=time.time() - 3 * 86400).verify(text).reason == "key_not_valid"  # before the key existed
    holder = PassHolder.objects.get(user=member_user)
    assert offline(revocations={holder.pseudonym: holder.epoch + 1}).verify(text).reason == "revoked"
    # A signature that does not match.
    sign1 = cbor2.loads(base45.b45decode(text[4:]))
    sign1.value[3] = bytes(64)
    forged = "HT1:" + base45.b45encode(cbor2.dumps(sign1)).decode()
    assert offline().verify(forged).reason == "bad_signature"


def sign_with(private, kid: str, claims: dict) -> str:
    from cryptography.hazmat.primitives import serialization
    from cwt import COSE, COSEKey

    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    token = COSE.new().encode_and_sign(cbor2.dumps(claims), COSEKey.from_pem(pem, kid=kid),
                                       protected={1: -8, 4: kid.encode()})
    return "HT1:" + base45.b45encode(token).decode()


def claims(extra: dict | None = None) -> dict:
    now = int(time.time())
    return {ISS: "hetao", SUB: "abc", IAT: now, NBF: now, EXP: now + 60, CTI: os.urandom(8), EPOCH: 1, KIND: "m",
            **(extra or {})}


def test_unknown_key_future_key_and_other_zone(key_dir):
    stranger = Ed25519PrivateKey.generate()
    assert offline().verify(sign_with(stranger, "nope", claims())).reason == "unknown_key"
    future = keys.create(key_dir, datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2))
    services._key_cache.clear()
    future_key = next(k for k in keys.load(key_dir, 60) if k.not_before > time.time())
    assert future.exists()
    text = sign_with(future_key.private, future_key.kid, claims())
    assert Verifier(zone="hetao", trust_list={"keys": [future_key.jwk()]}).verify(text).reason == "key_not_valid"
    active = keys.active(keys.load(key_dir, 60), int(time.time()))
    assert offline().verify(sign_with(active.private, active.kid, claims({ISS: "other-zone"}))).reason == "wrong_zone"
    nbf = int(time.time()) + 600
    assert offline().verify(sign_with(active.private, active.kid, claims({NBF: nbf, EXP: nbf + 60}))).reason \
        == "not_yet_valid"


def post_scan(client, token, code, point="test-gate"):
    return client.post("/api/v1/passes/scan", json.dumps({"code": code, "access_point": point}),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_checkpoint_api_allows_denies_and_logs(client, member_user, gate):
    token = gate.issue_token()
    text, _exp = services.code_for(member_user)
    response = post_scan(client, token, text)
    assert response.status_code == 200 and response.json()["allowed"] is True
    replay = post_scan(client, token, text)
    assert replay.status_code == 403 and replay.json()["reason"] == "replayed"
    assert post_scan(client, token, "garbage").status_code == 400
    assert post_scan(client, "wrong-token", text).status_code == 401
    assert post_scan(client, token, text, point="other-gate").status_code == 404
    assert list(AccessLog.objects.values_list("allowed", "reason")) == [(False, "malformed"), (False, "replayed"),
                                                                        (True, "")]
    zh = client.post("/api/v1/passes/scan", json.dumps({"code": "garbage", "access_point": "test-gate"}),
                     content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
                     HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert zh.json()["message"] != "Not a park code, or damaged"


def test_revocation_reaches_the_checkpoint(client, member_user, gate):
    token = gate.issue_token()
    text, _exp = services.code_for(member_user)
    services.holder_revoke(user=member_user, actor=member_user, reason="lost_phone")
    assert post_scan(client, token, text).json()["reason"] == "revoked"
    fresh, _exp = services.code_for(member_user)
    assert post_scan(client, token, fresh).json()["allowed"] is True
    revocations = client.get("/api/v1/passes/revocations", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert revocations["revoked"][PassHolder.objects.get(user=member_user).pseudonym] == 2
    from hetao.accounts.services import user_deactivate
    from tests.conftest import staff_in

    user_deactivate(actor=staff_in("dh", "data", "head"), user=member_user, reason="left the park")
    assert PassHolder.objects.get(user=member_user).epoch == 3  # deactivation revokes


def test_rules_and_hours(client, member_user, gate):
    from hetao.accounts.models import Membership
    from hetao.registry.models import Organisation

    lab = AccessPoint(code="lab", kind="lab", park=gate.park, name_en="Lab")
    lab.full_clean()
    lab.save()
    org = Organisation.objects.get(slug="hkust-sz-hk-institute")
    AccessRule.objects.create(access_point=lab, grant="organisation", organisation=org, opens="00:00",
                              closes="00:00:01")
    token = lab.issue_token()
    text, _exp = services.code_for(member_user)
    assert post_scan(client, token, text, "lab").json()["reason"] == "not_allowed_here"
    Membership.objects.create(user=member_user, organisation=org)
    text, _exp = services.code_for(member_user)
    assert post_scan(client, token, text, "lab").json()["reason"] == "outside_hours"
    AccessRule.objects.filter(access_point=lab).update(closes="23:59:59")
    text, _exp = services.code_for(member_user)
    assert post_scan(client, token, text, "lab").json()["allowed"] is True


def test_visitor_code_works_once_at_its_place(client, member_user, gate, django_capture_on_commit_callbacks):
    from django.core import mail
    from django.utils import timezone

    from hetao.accounts.models import Membership
    from hetao.registry.models import Organisation

    Membership.objects.create(user=member_user, organisation=Organisation.objects.get(slug="hku"))
    with django_capture_on_commit_callbacks(execute=True):
        visit, text = services.visitor_invite(actor=member_user, access_point=gate, guest_name="Dr Guest",
                                              guest_email="guest@example.org",
                                              valid_from=timezone.now() - datetime.timedelta(minutes=5),
                                              valid_until=timezone.now() + datetime.timedelta(hours=2))
    assert mail.outbox[-1].to == ["guest@example.org"] and mail.outbox[-1].attachments
    token = gate.issue_token()
    assert post_scan(client, token, text).json()["allowed"] is True
    again = post_scan(client, token, text).json()
    assert again["reason"] == "replayed" and again["allowed"] is False
    other = AccessPoint(code="other", kind="door", park=gate.park, name_en="Other door")
    other.full_clean()
    other.save()
    assert post_scan(client, other.issue_token(), text, "other").json()["reason"] == "not_for_this_gate"


def test_trust_list_and_jwks_are_public(client):
    trust = client.get("/api/v1/passes/trust-list").json()
    assert trust["zone"] == "hetao" and trust["keys"][0]["crv"] == "Ed25519"
    assert client.get("/api/v1/passes/jwks").json()["keys"] == trust["keys"]


def test_a_scan_costs_the_same_queries_however_many_holders_are_revoked(member_user, gate):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        text, _exp = services.code_for(member_user)
        with CaptureQueriesContext(connection) as ctx:
            assert services.scan(access_point=gate, text=text).ok
        return len(ctx.captured_queries)

    before = queries()
    for n in range(30):
        user = get_user_model().objects.create_user(f"r{n}", f"r{n}@example.org", "pw-r-123456")
        services.holder_revoke(user=user, actor=None, reason="test")
    assert queries() == before
