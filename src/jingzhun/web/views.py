from django.shortcuts import redirect, render


def home(request):
    if request.scope.reads_registry:
        return redirect("areas:tree")
    return render(request, "web/home.html")
