"""Fetch a gate's trust list and revocation list from the park, for offline verification.

    python -m hetao.passes.sync --park https://park.example.org --token <access point token> --out /var/lib/gate

Writes trust-list.json and revocations.json atomically; run it every minute (revocation reaches the gate
within a minute). Standard library only.
"""

import argparse
import json
import os
import tempfile
import urllib.request
from pathlib import Path


def fetch(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def write_atomically(path: Path, data: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)
    os.replace(tmp, path)


def sync(park: str, token: str, out: Path) -> tuple[int, int]:
    out.mkdir(parents=True, exist_ok=True)
    trust = fetch(f"{park.rstrip('/')}/api/v1/passes/trust-list", token)
    revocations = fetch(f"{park.rstrip('/')}/api/v1/passes/revocations", token)
    write_atomically(out / "trust-list.json", trust)
    write_atomically(out / "revocations.json", revocations)
    return len(trust.get("keys", [])), len(revocations.get("revoked", {}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--park", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    keys, revoked = sync(args.park, args.token, args.out)
    print(f"{keys} key(s), {revoked} revoked holder(s) → {args.out}")
