from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def registry_reader(view):
    """Signed in and holding a post that reads the registry; everyone else is refused."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.scope.reads_registry:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def registry_editor(view):
    @registry_reader
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.scope.edits_registry:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def registry_exporter(view):
    @registry_reader
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.scope.exports:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
