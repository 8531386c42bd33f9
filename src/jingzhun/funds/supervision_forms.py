"""Forms of the supervision pages; the actions check the same things again and their errors show at the
field they name."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingzhun.registry.forms import DomainErrorForm

from . import supervision_rules as rules
from .models import Flag, ProjectKind
from .supervision_actions import MAX_REASON, MAX_RESOLUTION

PARAM_LABELS = {
    "tolerance": (_("tolerance over the budget (share)"),
                  _("0 flags any allocation above the budget; 0.05 allows five per cent over it.")),
    "exempt_kinds": (_("kinds of project exempt"),
                     _("Projects of these kinds are not flagged for lacking beneficiary households.")),
    "days": (_("days money may lie idle"), _("Money idle for more days than this is flagged.")),
    "years": (_("years within which a subsidy is paid once"),
              _("A second payment of the same subsidy code to a household within this many years is "
                "flagged.")),
}


class ScanForm(forms.Form):
    area = forms.CharField(max_length=12)


class BoardFilter(forms.Form):
    area = forms.CharField(max_length=12, required=False)
    rule = forms.ChoiceField(label=pgettext_lazy("supervision", "rule"), required=False,
                             choices=[("", _("every rule"))])
    state = forms.ChoiceField(label=pgettext_lazy("supervision flag", "state"), required=False,
                              choices=[("", _("open, resolved and dismissed"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import SupervisionRule

        self.fields["rule"].choices += SupervisionRule.Code.choices
        self.fields["state"].choices += Flag.State.choices

    def values(self) -> dict:
        """The chosen rule and state; by default the open flags of every rule."""
        if not self.is_valid():
            return {"rule": "", "state": Flag.State.OPEN}
        state = self.cleaned_data["state"]
        return {"rule": self.cleaned_data["rule"],
                "state": state if "state" in self.data else Flag.State.OPEN}


class CloseForm(DomainErrorForm, forms.Form):
    outcome = forms.ChoiceField(label=_("answer to the flag"), widget=forms.RadioSelect, choices=[
        (Flag.State.RESOLVED, _("resolved: the anomaly was real and has been dealt with")),
        (Flag.State.DISMISSED, _("dismissed: on inspection it is not an anomaly"))])
    resolution = forms.CharField(label=_("what was done, or why it is not an anomaly"),
                                 max_length=MAX_RESOLUTION,
                                 widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class RuleForm(DomainErrorForm, forms.Form):
    """A rule's switch and parameters, fields built from the rule's parameter list."""

    active = forms.BooleanField(label=_("in force"), required=False)
    reason = forms.CharField(label=_("why the rule changes"), max_length=MAX_REASON)

    def __init__(self, *args, rule, **kwargs):
        values = rules.settings(rule.code, rule.params)
        initial = {"active": rule.active,
                   **{k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}}
        super().__init__(*args, prefix=rule.code, initial=initial, **kwargs)
        self.rule = rule
        reason = self.fields.pop("reason")
        for param in rules.PARAMS[rule.code]:
            label, help_text = PARAM_LABELS[param.name]
            if param.kind == "share":
                field = forms.DecimalField(min_value=0, max_value=1, decimal_places=4)
            elif param.kind == "count":
                field = forms.IntegerField(min_value=param.low, max_value=param.high)
            else:
                field = forms.MultipleChoiceField(choices=ProjectKind.choices, required=False,
                                                  widget=forms.CheckboxSelectMultiple)
            field.label, field.help_text = label, help_text
            self.fields[param.name] = field
        self.fields["reason"] = reason

    def params(self) -> dict:
        return {p.name: self.cleaned_data[p.name] for p in rules.PARAMS[self.rule.code]}
