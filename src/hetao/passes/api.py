"""Checkpoint API: gates authenticate with their own token; trust list and JWKS are public."""

import hashlib

from django.http import Http404
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

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


@router.get("/passes/trust-list")
def get_trust_list(request):
    """Public keys (with validity) that sign park codes, for offline verification."""
    return services.trust_list()


@router.get("/passes/jwks")
def get_jwks(request):
    return {"keys": services.trust_list()["keys"]}


@router.get("/passes/revocations", auth=gate_auth)
def get_revocations(request):
    return services.revocation_list()


@router.post("/passes/scan", response={200: ScanOut, 400: ScanOut, 403: ScanOut}, auth=gate_auth)
def post_scan(request, payload: ScanIn):
    access_point = request.auth
    if payload.access_point != access_point.code:
        raise Http404  # a gate speaks only for itself
    result = services.scan(access_point=access_point, text=payload.code[:4096])
    body = {"allowed": result.ok, "reason": result.reason or "allowed", "message": str(REASON_TEXT[result.reason]),
            "kind": result.kind, "subject": result.subject}
    return Status(200 if result.ok else 400 if result.reason in BAD_REQUEST else 403, body)
