"""The park's own error pages (400, 403, 404, 500), in the page's language.

400 shows the message of a `BadRequest` (hetao.core.params raises it with a translated message); other
exceptions that Django answers with 400 (SuspiciousOperation) keep theirs to the log. 500 renders a standalone
template without context processors or the database, which may be what failed.
"""

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language


def bad_request(request: HttpRequest, exception: Exception | None = None, template_name: str = "400.html"
                ) -> HttpResponse:
    message = str(exception) if isinstance(exception, BadRequest) and exception.args else ""
    return render(request, template_name, {"message": message}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None,
                      template_name: str = "403.html") -> HttpResponse:
    return render(request, template_name, {}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None,
                   template_name: str = "404.html") -> HttpResponse:
    return render(request, template_name, {"path": request.path}, status=404)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    body = loader.get_template(template_name).render({"LANGUAGE_CODE": get_language() or "en"})
    return HttpResponseServerError(body)


def csrf_failure(request: HttpRequest, reason: str = "", template_name: str = "403_csrf.html") -> HttpResponse:
    """A form sent without its security token (an expired page, blocked cookies): say what to do."""
    return render(request, template_name, {}, status=403)
