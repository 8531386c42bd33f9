"""Pages for likely duplicates: the list for an officer's area and the decision on one pair."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingzhun.areas.models import Area
from jingzhun.errors import DomainError

from . import duplicate_actions, duplicate_queries
from .decorators import registry_editor
from .forms import DomainErrorForm
from .models import LikelyDuplicate

PAGE_SIZE = 25
DISTINCT, KEEP_MEMBER, KEEP_OTHER = "distinct", "keep_member", "keep_other"


def duplicate_reader(view):
    """Signed in with a post that reviews likely duplicates (not helpers); everyone else is refused."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not duplicate_queries.reviews_duplicates(request.scope):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class DecisionForm(DomainErrorForm, forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("decision"), widget=forms.RadioSelect)
    note = forms.CharField(label=gettext_lazy("note"), max_length=200,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=gettext_lazy("How was this checked? Kept in the audit trail of both "
                                                  "households."))

    def __init__(self, *args, flag: LikelyDuplicate, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(DISTINCT, _("Different people: keep both records"))]
        for value, kept in ((KEEP_MEMBER, flag.member), (KEEP_OTHER, flag.other)):
            # Twins of one household differ by their relation to the head, so it is named too.
            choices.append((value, _("The same person: keep the record in household %(n)s (%(relation)s), "
                                     "close the other")
                            % {"n": kept.household.number, "relation": kept.get_relation_display()}))
        self.fields["decision"].choices = choices


@duplicate_reader
def duplicate_list(request):
    states = LikelyDuplicate.State
    state = request.GET.get("state", states.OPEN)
    state = state if state in states.values else states.OPEN
    area = Area.objects.filter(code=request.GET.get("area", "")).first()
    flags = duplicate_queries.flag_list(request.scope, state, area.prefix if area else "")
    flags = flags.order_by("village_id", "-found_at", "-id")
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "registry/duplicate_list.html", {
        "page": page, "state": state, "states": states.choices, "area": area, "query": query.urlencode(),
    })


@registry_editor
def duplicate_decide(request, pk: int):
    flag = duplicate_queries.get_flag(request.scope, pk)
    form = DecisionForm(request.POST or None, flag=flag)
    status = 200
    if request.method == "POST" and form.is_valid():  # a decided pair is refused by the action, with why
        try:
            done = _decide(request, flag, form.cleaned_data["decision"], form.cleaned_data["note"])
        except DomainError as error:
            form.add_domain_error(error)
            status = error.status
        else:
            messages.success(request, done)
            return redirect("registry:duplicates")
    return render(request, "registry/duplicate_decide.html", {"flag": flag, "form": form}, status=status)


def _decide(request, flag: LikelyDuplicate, decision: str, note: str) -> str:
    """Run the chosen action; return the message saying what was done."""
    if decision == DISTINCT:
        duplicate_actions.confirm_distinct(flag, actor=request.user, note=note)
        return _("Recorded: %(name)s and %(other)s are different people.") % {
            "name": flag.member.name, "other": flag.other.name}
    kept, closed = (flag.member, flag.other) if decision == KEEP_MEMBER else (flag.other, flag.member)
    duplicate_actions.merge_duplicate(flag, actor=request.user, keep=kept, note=note)
    return _("Merged: the record of %(name)s in household %(n)s is closed as registered in error.") % {
        "name": closed.name, "n": closed.household.number}
