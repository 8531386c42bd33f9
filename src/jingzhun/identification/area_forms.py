from django import forms
from django.utils.translation import gettext_lazy as _

from jingzhun import clock
from jingzhun.registry.forms import DomainErrorForm

from .area_rules import CONSIDERATIONS
from .forms import StepForm


def _year_field():
    return forms.IntegerField(label=_("year evaluated"), min_value=2014,
                              initial=lambda: clock.today().year - 1,
                              help_text=_("The year whose poverty incidence and thresholds apply."))


class VillageExitForm(StepForm):
    village = forms.ChoiceField(label=_("village"))
    year = _year_field()

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(a.code, f"{a.code} {a.name}") for a in villages]
        # Facilities are considered and shown with the report; none of them alone refuses the exit.
        for code, label in CONSIDERATIONS:
            self.fields[f"c_{code}"] = forms.NullBooleanField(label=label, required=False)
        self.order_fields(["village", "year", *(f"c_{code}" for code, _l in CONSIDERATIONS), "reason"])

    def considerations(self) -> dict:
        return {code: self.cleaned_data.get(f"c_{code}") for code, _label in CONSIDERATIONS}


class CountyExitForm(StepForm):
    year = _year_field()
    field_order = ["year", "reason"]


class DrawSampleForm(DomainErrorForm, forms.Form):
    county = forms.ChoiceField(label=_("county"))
    year = forms.IntegerField(label=_("year checked"), min_value=2014, initial=lambda: clock.today().year - 1)
    seed = forms.IntegerField(label=_("seed"), min_value=0, max_value=2**62,
                              help_text=_("The same seed draws the same sample from the same data."))

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(a.code, f"{a.code} {a.name}") for a in counties]


class HouseholdResultForm(DomainErrorForm, forms.Form):
    surveyed = forms.BooleanField(label=_("surveyed"), required=False)
    wrongly_exited = forms.NullBooleanField(label=_("wrongly exited"), required=False)
    approves = forms.NullBooleanField(label=_("approves of the work"), required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class VillageResultForm(DomainErrorForm, forms.Form):
    population_checked = forms.IntegerField(label=_("non-registered residents checked"), min_value=0)
    missed_found = forms.IntegerField(label=_("missed poor found"), min_value=0)
