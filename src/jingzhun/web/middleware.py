from django.http import HttpResponse
from django.template.response import TemplateResponse

from jingzhun.areas.scope import scope_for
from jingzhun.errors import DomainError


class DomainErrorMiddleware:
    """Attaches the user's scope to the request and turns domain errors into 4xx pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request) -> HttpResponse:
        request.scope = scope_for(request.user)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return TemplateResponse(request, "web/error.html", {"message": exception.message},
                                    status=exception.status)
        return None
