"""Forms of the projects' pages: a new project, spending from it, recovering its unspent money into a
fund, listing beneficiary households by number, its output, and its state buttons. They check the shape
of what is typed; the actions check every rule again and their errors show at the field."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingzhun.areas.models import Area, Level
from jingzhun.assistance.models import Measure
from jingzhun.registry.forms import ActionModelForm, DomainErrorForm
from jingzhun.registry.models import Household
from jingzhun.registry.templatetags.registry_tags import yuan

from .fund_forms import amount_field, day_field, recovery_memo_field
from .models import Fund, Project, ProjectKind, Purpose
from .models.projects import OUTPUT_UNITS

NUMBERS_MAX = 500
SEPARATORS = re.compile(r"[\s,，、;；]+")


class ProjectForm(ActionModelForm):
    area = forms.ModelChoiceField(Area.objects.none(), label=_("village or county"))
    purpose = forms.ChoiceField(label=_("purpose"), required=False,
                                choices=[("", _("as its kind says")), *Purpose.choices])

    class Meta:
        model = Project
        fields = ["name", "kind", "purpose", "year", "budget", "output_planned", "note"]
        help_texts = {"name": _("For example: hardening the road to the village, 5 km.")}

    field_order = ["area", *Meta.fields]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = (Area.objects.filter(level__in=[Level.COUNTY, Level.VILLAGE],
                                                            code__startswith=scope.prefix)
                                        .select_related("parent"))
        self.fields["area"].label_from_instance = lambda a: (
            f"{a.parent.name} · {a.name}" if a.level == Level.VILLAGE and a.parent else a.name)
        units = "; ".join(f"{ProjectKind(k).label}: {OUTPUT_UNITS[k]}" for k in ProjectKind.values)
        self.fields["output_planned"].help_text = _("Counted in the kind's unit (%(units)s).") % {
            "units": units}

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        return {"area_code": data.pop("area").code, **data, "purpose": data["purpose"] or None}


def _fund_choice(field: forms.ModelChoiceField, funds: list[tuple[Fund, object]]) -> None:
    """Offer these funds, each with what the project holds of it unspent."""
    unspent = {fund.pk: totals.unspent for fund, totals in funds}
    field.queryset = Fund.objects.filter(pk__in=unspent)
    field.label_from_instance = lambda f: _("%(fund)s (%(a)s yuan not yet spent)") % {
        "fund": f, "a": yuan(unspent.get(f.pk))}


class SpendForm(DomainErrorForm, forms.Form):
    fund = forms.ModelChoiceField(Fund.objects.none(), label=pgettext_lazy("funds", "from fund"))
    amount = amount_field()
    on = day_field(_("paid on"))
    # A number, not a list: a county's training project may list thousands of households.
    household = forms.CharField(label=_("paid to household (its number)"), required=False, max_length=20,
                                help_text=_("A beneficiary household of the project; leave blank for "
                                            "payments that are not to one household (a contractor, "
                                            "materials)."))
    subsidy = forms.ChoiceField(label=_("subsidy"), required=False,
                                help_text=_("The assistance measure the payment is, so that a household "
                                            "paid the same subsidy twice shows."))
    voucher = forms.CharField(label=_("voucher"), max_length=40, required=False)
    memo = forms.CharField(label=_("memo"), max_length=300, required=False)

    def __init__(self, *args, funds: list[tuple[Fund, object]], project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        _fund_choice(self.fields["fund"], funds)
        self.fields["subsidy"].choices = [("", "—"), *((m.code, str(m)) for m in
                                                      Measure.objects.filter(active=True))]

    def clean_household(self) -> Household | None:
        number = self.cleaned_data["household"].strip()
        if not number:
            return None
        household = Household.objects.filter(number=number, pk__in=self.project.beneficiary_links.values(
            "household_id")).first()
        if household is None:
            raise forms.ValidationError(_("No beneficiary household of this project has this number."))
        return household

    def clean(self):
        data = super().clean()
        if data.get("subsidy") and not data.get("household") and "household" not in self.errors:
            self.add_error("household", _("A subsidy is paid to a household: choose it."))
        return data


class RecoveryForm(DomainErrorForm, forms.Form):
    """Money the project was allocated and has not spent, taken back into the fund it came from."""

    fund = forms.ModelChoiceField(Fund.objects.none(), label=pgettext_lazy("funds", "back into fund"))
    amount = amount_field()
    on = day_field(_("recovered on"))
    memo = recovery_memo_field()

    def __init__(self, *args, funds: list[tuple[Fund, object]], **kwargs):
        super().__init__(*args, **kwargs)
        _fund_choice(self.fields["fund"], funds)
        if len(funds) == 1 and not self.is_bound:  # the usual case: all of it, back to its one fund
            self.initial.setdefault("fund", funds[0][0].pk)
            self.initial.setdefault("amount", funds[0][1].unspent)


class BeneficiariesForm(DomainErrorForm, forms.Form):
    households = forms.CharField(
        label=_("household numbers"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Numbers of registered households of the project's area, separated by spaces, commas "
                    "or new lines; households already listed are left as they are."))

    def clean_households(self) -> list[str]:
        numbers = list(dict.fromkeys(n for n in SEPARATORS.split(self.cleaned_data["households"]) if n))
        if not numbers:
            raise forms.ValidationError(_("Enter at least one household number."))
        if len(numbers) > NUMBERS_MAX:
            raise forms.ValidationError(_("At most %(n)d households at a time.") % {"n": NUMBERS_MAX})
        return numbers


class OutputForm(DomainErrorForm, forms.Form):
    output_achieved = forms.DecimalField(label=_("output achieved"), max_digits=12, decimal_places=2,
                                         min_value=0)
    on = day_field(_("measured on"))

    def __init__(self, *args, unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if unit:
            self.fields["output_achieved"].help_text = _("In %(unit)s, all of it so far.") % {"unit": unit}


class MoveForm(DomainErrorForm, forms.Form):
    """One state button's form: a date, and for a cancellation its reason."""

    on = day_field()
    reason = forms.CharField(label=_("reason for cancelling"), max_length=200,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Money still allocated and not spent is recovered into its fund "
                                         "first."))

    def __init__(self, *args, to: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.to = to
        if to == Project.State.CANCELLED:
            del self.fields["on"]
        else:
            del self.fields["reason"]
        if "on" in self.fields:
            self.fields["on"].label = {Project.State.UNDER_WAY: _("started on"),
                                       Project.State.COMPLETED: _("completed on"),
                                       Project.State.ACCEPTED: _("accepted on")}.get(to, _("date"))
