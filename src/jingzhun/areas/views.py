from django.shortcuts import redirect, render
from django.urls import reverse

from jingzhun.registry import duplicate_queries, queries
from jingzhun.registry.decorators import registry_reader


@registry_reader
def tree(request):
    return redirect("areas:area", code=request.scope.area_code)


@registry_reader
def area(request, code: str):
    area = queries.visible_area(request.scope, code)
    if area.level == "village":
        return redirect(f"{reverse('registry:households')}?area={area.code}")
    ancestors = []
    node = area.parent
    while node is not None:
        ancestors.insert(0, node)
        node = node.parent
    return render(request, "areas/area.html", {
        "area": area,
        "ancestors": ancestors,
        "children": queries.child_counts(request.scope, area),
        "flags": area.flags.all(),
        "in_scope": request.scope.covers(area.code),
        "open_duplicates": (duplicate_queries.open_count(request.scope, area.prefix)
                            if duplicate_queries.reviews_duplicates(request.scope) else None),
    })
