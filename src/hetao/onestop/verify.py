"""The public page behind a receipt's or letter's QR code: is this document genuine and still valid?

Anyone may open it (a bank, a landlord, a border officer). It shows only what the document itself states
about the application (reference, service, dates, decision, the organisation), never the applicant's
identity details. 200: genuine; 404: the park never signed this token; 410: the park issued the document
but what it states no longer holds (the decision or the application changed since).
"""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from hetao.core.pdf import read_verification_token

from .models import Application, Status
from .pdf import KINDS, fingerprint


@require_GET
@cache_control(no_store=True)
def verify(request, token: str):
    claim = read_verification_token(token)
    application = None
    if claim and claim[1] in KINDS:
        application = (Application.objects.select_related("service_version__service", "organisation")
                       .filter(reference=claim[0]).first())
    if claim is None or application is None:
        response = render(request, "onestop/verify.html", {"state": "forged"}, status=404)
    else:
        reference, kind, stated = claim
        state = "genuine" if fingerprint(application, kind) == stated else "revoked"
        response = render(request, "onestop/verify.html", {
            "state": state, "kind": kind, "kind_label": KINDS[kind], "application": application,
            "decision": Status(application.status).label if kind == "letter" else "",
            "decided": timezone.localtime(application.decided_at).date() if application.decided_at else None,
            "submitted": timezone.localtime(application.submitted_at).date() if application.submitted_at else None,
        }, status=200 if state == "genuine" else 410)
    response["X-Robots-Tag"] = "noindex"
    return response
