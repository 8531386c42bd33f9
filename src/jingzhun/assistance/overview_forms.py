"""Forms of the helpers' pages and the measures catalogue; the actions check the same rules again and
their errors show at the field they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jingzhun.areas.models import Area, Level
from jingzhun.registry.forms import ActionModelForm, DomainErrorForm
from jingzhun.registry.models import Cause

from . import catalogue_actions
from .helper_actions import HELPER_LEVELS
from .models import Condition, Measure, MeasureRule

INDENT = {Level.COUNTY: "", Level.TOWNSHIP: "\u3000", Level.VILLAGE: "\u3000\u3000"}
REASON_HELP = _("Kept in the row's history.")


class HelperForm(DomainErrorForm, forms.Form):
    name = forms.CharField(label=_("name"), max_length=40)
    unit = forms.CharField(label=_("work unit"), max_length=120,
                           help_text=_("For example: Xiji County Education Bureau."))
    title = forms.CharField(label=_("position"), max_length=60, required=False)
    phone = forms.CharField(label=_("mobile phone"), max_length=20,
                            help_text=_("11 digits; the helper signs in with it."))
    area_code = forms.ChoiceField(label=_("area"), help_text=_("Where the helper may answer for households."))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        areas = (Area.objects.filter(code__startswith=scope.prefix, level__in=HELPER_LEVELS)
                 .order_by("code").only("code", "level", "name_zh", "name_en"))
        self.fields["area_code"].choices = [("", "—")] + [(a.code, f"{INDENT[a.level]}{a.name}")
                                                         for a in areas]


class ReasonForm(DomainErrorForm, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))


class RuleForm(DomainErrorForm, forms.Form):
    jurisdiction = forms.ChoiceField(label=_("jurisdiction"), required=False)
    cause = forms.ModelChoiceField(Cause.objects.all(), label=_("cause of poverty"))
    measure = forms.ModelChoiceField(Measure.objects.filter(active=True), label=_("measure"))
    rank = forms.IntegerField(label=_("rank"), min_value=1, max_value=catalogue_actions.MAX_RANK, initial=1,
                              help_text=_("1 is recommended first."))
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    reason = forms.CharField(label=_("reason"), max_length=300, help_text=REASON_HELP,
                             widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        choices = jurisdiction_choices(scope)
        self.fields["jurisdiction"].choices = choices
        # A choice field takes "" (national) without checking it is offered: only when it is.
        self.fields["jurisdiction"].required = "" not in dict(choices)

    def values(self) -> dict:
        data = self.cleaned_data
        return {"jurisdiction": data["jurisdiction"], "cause": data["cause"], "measure": data["measure"],
                "rank": data["rank"], "note": data["note"], "reason": data["reason"]}


def jurisdiction_choices(scope) -> list[tuple[str, str]]:
    """What the user may write rows for: a county officer their county; a province officer the nation,
    the province, its prefectures and counties (the action takes any narrower prefix too)."""
    choices = []
    if catalogue_actions.may_edit_jurisdiction(scope, ""):
        choices.append(("", _("national")))
    levels = (Level.PROVINCE, Level.PREFECTURE, Level.COUNTY)
    for area in Area.objects.filter(code__startswith=scope.prefix, level__in=levels).order_by("code"):
        if catalogue_actions.may_edit_jurisdiction(scope, area.prefix):
            choices.append((area.prefix, f"{area.prefix} {area.name}"))
    return choices


class RuleChangeForm(ActionModelForm):
    reason = forms.CharField(label=_("reason"), max_length=300, help_text=REASON_HELP,
                             widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))

    class Meta:
        model = MeasureRule
        fields = ["rank", "active", "note"]

    def values(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class MeasureForm(ActionModelForm):
    condition = forms.ChoiceField(label=_("recommended only with"), choices=Condition.choices, required=False)
    reason = forms.CharField(label=_("reason"), max_length=300, help_text=REASON_HELP,
                             widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))

    class Meta:
        model = Measure
        fields = ["name_zh", "name_en", "condition", "typical_amount", "active"]

    def values(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}
