"""Forms of the household's plan page and the visit page. They only shape input: the actions check every
rule again, and their errors show at the field they name (DomainErrorForm.add_domain_error)."""

import datetime
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from jingzhun import clock
from jingzhun.areas.models import PREFIX_LENGTH
from jingzhun.areas.scope import scope_for
from jingzhun.registry.forms import DATE, DomainErrorForm

from . import actions
from .models import Measure, PlannedMeasure

MAX_REASON = 200
MAX_NOTE = actions.MAX_NOTE
MAX_VISIT_TEXT = actions.MAX_VISIT_TEXT
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}


def _a_year_on() -> datetime.date:
    return clock.today() + datetime.timedelta(days=365)


def eligible_helpers(village_code: str):
    """Helpers whose area covers the village (check_helper's test), as a queryset a choice field takes."""
    # The areas whose prefix the village code starts with: the village and each of its ancestors.
    ancestors = {village_code[:n].ljust(12, "0") for n in PREFIX_LENGTH.values()}
    candidates = actions.helper_users().select_related("post__area").filter(post__area_id__in=ancestors)
    allowed = [user.pk for user in candidates if scope_for(user).covers(village_code)]
    return get_user_model().objects.filter(pk__in=allowed).select_related("post").order_by("username")


class HelperChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.get_full_name() or user.username
        post = getattr(user, "post", None)
        extra = [part for part in (post.unit, post.title) if part] if post else []
        return " · ".join([name, *extra])


class AssignForm(DomainErrorForm, forms.Form):
    helper = HelperChoiceField(queryset=None, label=_("responsible helper"))
    started_on = forms.DateField(label=_("started on"), widget=DATE, initial=clock.today)
    reason = forms.CharField(label=_("reason"), max_length=MAX_REASON, required=False,
                             help_text=_("For example: the former helper was transferred."))

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = eligible_helpers(household.village_id)


class EndHelperForm(DomainErrorForm, forms.Form):
    ended_on = forms.DateField(label=_("ended on"), widget=DATE, initial=clock.today)
    reason = forms.CharField(label=_("reason for ending"), max_length=MAX_REASON)


class PlanForm(DomainErrorForm, forms.Form):
    year = forms.IntegerField(label=_("year drawn up"), min_value=2013, initial=lambda: clock.today().year)
    note = forms.CharField(label=_("note"), max_length=MAX_NOTE, required=False)


def measure_choices(recommended: list[str]) -> list:
    """The catalogue's measures in use, the not-yet-planned recommendations first."""
    catalogue = list(Measure.objects.filter(active=True))
    names = {m.code: str(m) for m in catalogue}
    first = [(code, names[code]) for code in recommended if code in names]
    rest = [(m.code, f"{m} · {m.get_batch_display()}") for m in catalogue if m.code not in recommended]
    choices = [("", "---------")]
    if first:
        choices.append((_("recommended for this household"), first))
    choices.append((_("catalogue"), rest))
    return choices


def _cause_choices(household) -> list:
    causes = ([household.main_cause] if household.main_cause else []) + [
        c for c in household.other_causes.all() if c.pk != household.main_cause_id]
    return [("", "---------"), *[(c.pk, str(c)) for c in causes]]


class MeasureForm(DomainErrorForm, forms.Form):
    measure = forms.ChoiceField(label=_("measure"))
    cause = forms.ChoiceField(label=_("cause addressed"), required=False)
    helper = HelperChoiceField(queryset=None, label=_("responsible helper"), required=False)
    amount = forms.DecimalField(label=_("amount (yuan)"), required=False, **MONEY,
                                help_text=_("Left blank: the catalogue's typical amount."))
    start_on = forms.DateField(label=_("start"), widget=DATE, initial=clock.today)
    due_on = forms.DateField(label=_("due"), widget=DATE, initial=_a_year_on)
    note = forms.CharField(label=_("note"), max_length=MAX_NOTE, required=False)

    def __init__(self, *args, household, recommended: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.recommended = recommended
        self.fields["measure"].choices = measure_choices(recommended)
        self.fields["cause"].choices = _cause_choices(household)
        self.fields["helper"].queryset = eligible_helpers(household.village_id)
        self.fields["helper"].initial = household.helper_id

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        if data["amount"] is None:
            typical = Measure.objects.filter(pk=data["measure"]).values_list("typical_amount", flat=True)
            data["amount"] = typical.first() or 0
        data["recommended"] = data["measure"] in self.recommended
        data["cause"] = data["cause"] or None
        return data


class MeasureEditForm(DomainErrorForm, forms.Form):
    helper = HelperChoiceField(queryset=None, label=_("responsible helper"), required=False)
    amount = forms.DecimalField(label=_("amount (yuan)"), **MONEY)
    start_on = forms.DateField(label=_("start"), widget=DATE)
    due_on = forms.DateField(label=_("due"), widget=DATE)
    note = forms.CharField(label=_("note"), max_length=MAX_NOTE, required=False)

    def __init__(self, *args, planned: PlannedMeasure, household, **kwargs):
        initial = {"helper": planned.helper_id, "amount": planned.amount, "start_on": planned.start_on,
                   "due_on": planned.due_on, "note": planned.note}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["helper"].queryset = eligible_helpers(household.village_id)


class MoveForm(DomainErrorForm, forms.Form):
    """One measure's state buttons: the submit button pressed names the state (`to`)."""

    to = forms.ChoiceField(choices=PlannedMeasure.State.choices, widget=forms.HiddenInput)
    on = forms.DateField(label=_("delivered on"), widget=DATE, initial=clock.today, required=False)
    note = forms.CharField(label=_("note or reason"), max_length=MAX_NOTE, required=False)

    def add_domain_error(self, error) -> None:
        # The action names the delivery date "delivered_on"; here the field is "on".
        field = "on" if error.field == "delivered_on" else error.field
        self.add_error(field if field in self.fields else None, error.message)


class ScheduleForm(DomainErrorForm, forms.Form):
    due_on = forms.DateField(label=_("next visit on"), widget=DATE)


class VisitForm(DomainErrorForm, forms.Form):
    visited_on = forms.DateField(label=_("visited on"), widget=DATE, initial=clock.today)
    found = forms.CharField(label=_("what was found"), max_length=MAX_VISIT_TEXT,
                            widget=forms.Textarea(attrs={"rows": 4}))
    done = forms.CharField(label=_("what was done"), max_length=MAX_VISIT_TEXT, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    # A plain file field: photos.prepared checks the picture, so its message shows here.
    photo = forms.FileField(label=_("photo"), required=False, widget=forms.FileInput(
        attrs={"accept": "image/*", "capture": "environment"}))
    next_due_on = forms.DateField(label=_("next visit on"), widget=DATE, required=False)

    def __init__(self, *args, interval_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next_due_on"].initial = clock.today() + datetime.timedelta(days=interval_days)
        self.fields["next_due_on"].help_text = _("Left blank: %(n)d days after this visit.") % {
            "n": interval_days}
