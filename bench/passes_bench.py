"""Park codes: offline verifications per second on one core beside raw Ed25519 verifications per second with
`cryptography` on the same machine (the ratio is the figure), and p50/p95 of the checkpoint API."""

import json
import os
import statistics
import time
import urllib.request


def offline_rates(seconds: float = 2.0) -> tuple[float, float]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from django.contrib.auth import get_user_model

    from hetao.passes import services
    from hetao.passes.verifier import Verifier

    user = get_user_model().objects.filter(is_active=True).first()
    codes = [services.code_for(user)[0] for _ in range(2000)]
    trust = services.trust_list()
    verifier = Verifier(zone=trust["zone"], trust_list=trust, access_point="bench")
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        verifier._seen.clear()  # each pass through the list counts as new codes, not replays
        for code in codes:
            assert verifier.verify(code).ok
            done += 1
    verify_rate = done / (time.perf_counter() - started)
    key = Ed25519PrivateKey.generate()
    message, public = os.urandom(120), key.public_key()
    signature = key.sign(message)
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(1000):
            public.verify(signature, message)
        done += 1000
    raw_rate = done / (time.perf_counter() - started)
    return verify_rate, raw_rate


def checkpoint_latency(base: str, requests: int) -> tuple[float, float]:
    from django.contrib.auth import get_user_model

    from hetao.passes import services
    from hetao.passes.models import AccessPoint, AccessRule
    from hetao.registry.models import Park

    point, _created = AccessPoint.objects.get_or_create(
        code="bench-gate", defaults={"kind": "gate", "park": Park.objects.get(code="shenzhen"), "name_en": "Bench"})
    AccessRule.objects.get_or_create(access_point=point, grant="anyone")
    token = point.issue_token()
    user = get_user_model().objects.filter(is_active=True).first()
    codes = [services.code_for(user)[0] for _ in range(requests + 1)]
    times = []
    for code in codes:
        body = json.dumps({"code": code, "access_point": "bench-gate"}).encode()
        request = urllib.request.Request(f"{base}/api/v1/passes/scan", data=body, method="POST", headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        started = time.perf_counter()
        with urllib.request.urlopen(request) as response:
            assert json.loads(response.read())["allowed"]
        times.append((time.perf_counter() - started) * 1000)
    times = sorted(times[1:])
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]
