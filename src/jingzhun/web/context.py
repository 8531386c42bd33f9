def scope(request) -> dict:
    return {"scope": getattr(request, "scope", None)}
