"""The park's own error pages (400, 403, 404, 500), in the page's language.

400 shows the message of a `BadRequest` (hetao.core.params raises it with a translated message); other
exceptions that Django answers with 400 (SuspiciousOperation) keep theirs to the log. 500 renders a standalone
template without context processors or the database, which may be what failed.
"""

from django.core.exceptions import BadRequest
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language


def bad_request(request, exception=None, template_name="400.html"):
    message = str(exception) if isinstance(exception, BadRequest) and exception.args else ""
    return render(request, template_name, {"message": message}, status=400)


def permission_denied(request, exception=None, template_name="403.html"):
    return render(request, template_name, {}, status=403)


def page_not_found(request, exception=None, template_name="404.html"):
    return render(request, template_name, {"path": request.path}, status=404)


def server_error(request, template_name="500.html"):
    body = loader.get_template(template_name).render({"LANGUAGE_CODE": get_language() or "en"})
    return HttpResponseServerError(body)


def csrf_failure(request, reason="", template_name="403_csrf.html"):
    """A form sent without its security token (an expired page, blocked cookies): say what to do."""
    return render(request, template_name, {}, status=403)
