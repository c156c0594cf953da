"""Checkpoint API: gates authenticate with their own token; trust list and JWKS are public."""

import hashlib

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer

from hetao.api.schemas import ErrorOut

from . import services
from .models import AccessPoint
from .reasons import BAD_REQUEST, REASON_TEXT

router = Router(tags=["passes"])


class AccessPointToken(HttpBearer):
    def authenticate(self, request, token):
        digest = hashlib.sha256(token.encode()).hexdigest()
        return AccessPoint.objects.filter(token_hash=digest, is_active=True).first()


gate_auth = AccessPointToken()


class ScanIn(Schema):
    code: str
    access_point: str


class ScanOut(Schema):
    allowed: bool
    reason: str
    message: str
    kind: str
    subject: str


class KeyOut(Schema):
    kty: str
    crv: str
    alg: str
    use: str
    kid: str
    x: str
    not_before: int = Field(description="Unix time")
    not_after: int = Field(description="Unix time")


class JwksOut(Schema):
    keys: list[KeyOut]


class TrustListOut(JwksOut):
    zone: str
    issued_at: int


class RevocationsOut(Schema):
    zone: str
    issued_at: int
    revoked: dict[str, int] = Field(description="Pseudonym → the lowest epoch still valid")


@router.get("/passes/trust-list", response=TrustListOut)
def get_trust_list(request):
    """Public keys (with validity) that sign park codes, for offline verification."""
    return services.trust_list()


@router.get("/passes/jwks", response=JwksOut)
def get_jwks(request):
    return {"keys": services.trust_list()["keys"]}


@router.get("/passes/revocations", response=RevocationsOut, auth=gate_auth)
def get_revocations(request):
    return services.revocation_list()


# A refused code is a 400 or 403 with the scan's answer; a body that cannot be read at all is a 400 {detail}.
@router.post("/passes/scan", response={200: ScanOut, 400: ScanOut | ErrorOut, 403: ScanOut}, auth=gate_auth)
def post_scan(request, payload: ScanIn):
    access_point = request.auth
    if payload.access_point != access_point.code:
        raise Http404  # a gate speaks only for itself
    result = services.scan(access_point=access_point, text=payload.code[:4096])
    body = {"allowed": result.ok, "reason": result.reason or "allowed", "message": str(REASON_TEXT[result.reason]),
            "kind": result.kind, "subject": result.subject}
    return Status(200 if result.ok else 400 if result.reason in BAD_REQUEST else 403, body)
