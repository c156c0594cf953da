from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


class ApiAcceptLanguageMiddleware:
    """API callers say their language with Accept-Language; it wins over a browser's language cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        header = request.headers.get("Accept-Language")
        if header and request.path.startswith("/api/"):
            for code, _quality in parse_accept_lang_header(header):
                try:
                    language = translation.get_supported_language_variant(code)
                except LookupError:
                    continue
                translation.activate(language)
                request.LANGUAGE_CODE = language
                break
        return self.get_response(request)
