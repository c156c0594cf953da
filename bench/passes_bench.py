"""Park codes for `make bench` (run inside Django, bench/django_side.py): fresh codes and bench gates for the
checkpoint API, and offline verifications per second on one core beside raw Ed25519 verifications per second with
`cryptography` on the same machine (the ratio is the figure)."""

import os
import time

GATE = "bench-gate"


def _holder():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True).order_by("pk").first()


def codes(n: int) -> list[str]:
    from hetao.passes import services

    user = _holder()
    return [services.code_for(user)[0] for _ in range(n)]


def bench_gates(n: int) -> dict[str, str]:
    """Gates `bench-gate` (latency) and `bench-gate-0` … `-<n-1>` (one per client of the throughput run: one gate
    scans one person at a time, and the checkpoint serialises the scans of each gate) letting anyone in, each with
    a new token."""
    from hetao.passes.models import AccessPoint, AccessRule
    from hetao.registry.models import Park

    park = Park.objects.get(code="shenzhen")
    tokens = {}
    for code in [GATE, *(f"{GATE}-{i}" for i in range(n))]:
        point, _created = AccessPoint.objects.get_or_create(
            code=code, defaults={"kind": "gate", "park": park, "name_en": f"Bench {code}"})
        AccessRule.objects.get_or_create(access_point=point, grant="anyone")
        tokens[code] = point.issue_token()
    return tokens


def offline_rates(seconds: float = 2.0) -> tuple[float, float]:
    """(offline verifications/s, raw Ed25519 verifications/s), each in CPU time of this thread, measured in
    alternating slices so that other work on the machine weighs on both alike."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from hetao.passes import services
    from hetao.passes.verifier import Verifier

    texts = codes(500)
    trust = services.trust_list()
    verifier = Verifier(zone=trust["zone"], trust_list=trust, access_point="bench")
    key = Ed25519PrivateKey.generate()
    message, public = os.urandom(120), key.public_key()
    signature = key.sign(message)
    verified = raw = 0
    verify_time = raw_time = 0.0
    while verify_time + raw_time < seconds:
        verifier.forget_seen()  # each pass through the list counts as new codes, not replays
        started = time.thread_time()
        for text in texts:
            assert verifier.verify(text).ok
        verify_time += time.thread_time() - started
        verified += len(texts)
        started = time.thread_time()
        for _ in range(len(texts)):
            public.verify(signature, message)
        raw_time += time.thread_time() - started
        raw += len(texts)
    return verified / verify_time, raw / raw_time
