"""Forms of the pairing pages; the actions check the same rules again and their errors show at the field
they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jingzhun import clock
from jingzhun.areas.models import Area, Level
from jingzhun.registry.forms import DATE, DomainErrorForm

from .models import Indicator, Partner

MAX_NOTE = 300
AMOUNT = {"max_digits": 16, "decimal_places": 2}


def _area_choices(areas) -> list[tuple[str, str]]:
    # Indented by level so a long list of townships reads as the tree it is.
    depth = {level: i for i, level in enumerate(Level.values)}
    return [(a.code, "\u3000" * depth[a.level] + a.name) for a in areas]


class CommitmentForm(DomainErrorForm, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=1980, max_value=2100)
    indicator = forms.ChoiceField(label=_("indicator"), choices=Indicator.choices)
    amount = forms.DecimalField(label=_("amount committed"), min_value=0, **AMOUNT,
                                help_text=_("Funds and products in yuan; persons and numbers counted whole."))
    note = forms.CharField(label=_("note"), max_length=MAX_NOTE, required=False,
                           help_text=_("For example: the yearly cooperation agreement it comes from."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year


class DeliveryForm(DomainErrorForm, forms.Form):
    delivered_on = forms.DateField(label=_("delivered on"), widget=DATE)
    year = forms.IntegerField(label=_("counted for year"), min_value=1980, max_value=2100, required=False,
                              help_text=_("Leave empty for the year it was delivered in."))
    indicator = forms.ChoiceField(label=_("indicator"), choices=Indicator.choices)
    amount = forms.DecimalField(label=_("amount delivered"), min_value=0, **AMOUNT)
    area = forms.ChoiceField(label=_("received by"))
    note = forms.CharField(label=_("what"), max_length=MAX_NOTE, required=False,
                           help_text=_("For example: a road, a school, a training course, a sales fair."))

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivered_on"].initial = clock.today
        self.fields["area"].choices = _area_choices(areas)

    def values(self) -> dict:
        data = self.cleaned_data
        return {"year": data["year"] or data["delivered_on"].year, "indicator": data["indicator"],
                "amount": data["amount"], "delivered_on": data["delivered_on"], "area": data["area"],
                "note": data["note"]}


class WithdrawForm(DomainErrorForm, forms.Form):
    reason = forms.CharField(label=_("reason for withdrawal"), max_length=MAX_NOTE)


class PartnerForm(DomainErrorForm, forms.Form):
    name_zh = forms.CharField(label=_("Chinese name"), max_length=80)
    name_en = forms.CharField(label=_("English name"), max_length=120)
    kind = forms.ChoiceField(label=_("kind"), choices=Partner.Kind.choices)
    level = forms.ChoiceField(label=_("level"), choices=Partner.Level.choices, required=False)
    parent = forms.ModelChoiceField(Partner.objects.all(), label=_("part of"), required=False,
                                    help_text=_("A city's deliveries count towards its province's pair."))
    home = forms.CharField(label=_("home region"), max_length=40, required=False)
    uscc = forms.CharField(label=_("unified social credit code"), max_length=30, required=False)
    source = forms.CharField(label=_("source"), max_length=300, required=False)


class PairingForm(DomainErrorForm, forms.Form):
    area = forms.ChoiceField(label=_("paired area"))
    start_year = forms.IntegerField(label=_("from year"), min_value=1980, max_value=2100)
    end_year = forms.IntegerField(label=_("until year"), min_value=1980, max_value=2100, required=False)
    source = forms.CharField(label=_("source"), max_length=300, required=False)
    verified = forms.BooleanField(label=_("verified against its source"), required=False)

    def __init__(self, *args, prefix_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        levels = [Level.PROVINCE, Level.PREFECTURE, Level.COUNTY]
        areas = Area.objects.filter(code__startswith=prefix_code, level__in=levels).order_by("code")
        self.fields["area"].choices = _area_choices(areas)
