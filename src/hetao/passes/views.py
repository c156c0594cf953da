"""My park code, lost phone, visitor invitations, the gate scanner, and the access log."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hetao.core.permissions import require

from . import services
from .forms import LogFilterForm, VisitorForm
from .models import AccessLog, AccessPoint
from .reasons import REASON_TEXT


@login_required
@require_GET
def my_code(request):
    return render(request, "passes/my_code.html", _code_context(request.user))


@login_required
@require_GET
def my_code_fragment(request):
    """The refreshed code (htmx polls this before the current one expires)."""
    return render(request, "passes/code_fragment.html", _code_context(request.user))


def _code_context(user) -> dict:
    text, expires = services.code_for(user)
    return {"code": text, "qr": services.qr_svg(text), "expires": expires,
            "seconds": max(5, expires - int(timezone.now().timestamp()) - 15)}


@login_required
@require_POST
def lost_phone(request):
    services.holder_revoke(user=request.user, actor=request.user, reason="lost_phone")
    messages.success(request, _("Every code shown before now is refused at the gates within a minute. "
                                "Your new code is below."))
    return redirect("passes:my_code")


@login_required
@require_http_methods(["GET", "POST"])
def invite_visitor(request):
    form = VisitorForm(request.POST or None, host=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.visitor_invite(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in getattr(error, "message_dict", {"__all__": error.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your guest will receive a one-time code by email."))
            return redirect("passes:invite_visitor")
    return render(request, "passes/invite.html", {"form": form, "visits": request.user.invited_visitors
                  .select_related("access_point").order_by("-created_at")[:20]}, status=400 if form.errors else 200)


@login_required
@require_GET
def scanner(request):
    require(request.user, "passes.scan")
    return render(request, "passes/scanner.html", {"points": AccessPoint.objects.filter(is_active=True)})


@login_required
@require_POST
def scanner_check(request):
    point = get_object_or_404(AccessPoint, code=request.POST.get("access_point", ""), is_active=True)
    require(request.user, "passes.scan", point)
    result = services.scan(access_point=point, text=request.POST.get("code", "")[:4096])
    name = ""
    if result.ok and result.kind == "m":
        holder = services.PassHolder.objects.select_related("user").filter(pseudonym=result.subject).first()
        name = holder.user.get_full_name() if holder else ""
    elif result.ok and result.kind == "v":
        visit = services.VisitorPass.objects.filter(pseudonym=result.subject).first()
        name = _("Visitor: %(name)s") % {"name": visit.guest_name} if visit else ""
    return render(request, "passes/scan_result.html", {"result": result, "text": REASON_TEXT[result.reason],
                                                       "name": name, "point": point})


@login_required
@require_GET
def access_log(request):
    require(request.user, "passes.view_log")
    form = LogFilterForm(request.GET or None)
    entries = AccessLog.objects.select_related("access_point__park")
    if form.is_valid():
        data = form.cleaned_data
        if data["access_point"]:
            entries = entries.filter(access_point=data["access_point"])
        if data["result"]:
            entries = entries.filter(allowed=data["result"] == "allowed")
        if data["day"]:
            entries = entries.filter(at__date=data["day"])
    if request.GET.get("format") == "csv":
        return _csv(entries)
    per_day = (AccessLog.objects.filter(allowed=True, at__gte=timezone.now() - timezone.timedelta(days=30))
               .annotate(day=TruncDate("at")).values_list("day", "access_point__park__name_en")
               .annotate(n=Count("id")).order_by("day"))
    days = sorted({d.isoformat() for d, _park, _n in per_day})
    parks = sorted({p for _d, p, _n in per_day})
    counts = {(d.isoformat(), p): n for d, p, n in per_day}
    chart = {"entries_per_day": {"days": days, "series": [
        {"name": p, "data": [counts.get((d, p), 0) for d in days]} for p in parks]}}
    return render(request, "passes/access_log.html", {"form": form, "entries": entries[:200], "chart": chart,
                                                      "reasons": REASON_TEXT})


def _csv(entries: QuerySet[AccessLog]) -> StreamingHttpResponse:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    rows = (writer.writerow([e.at.isoformat(), e.access_point.code, e.subject, e.kind,
                             "allowed" if e.allowed else "denied", e.reason]) for e in entries.iterator())
    header = writer.writerow(["at", "access_point", "subject", "kind", "result", "reason"])
    response = StreamingHttpResponse((r for part in ([header], rows) for r in part), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
    return response
