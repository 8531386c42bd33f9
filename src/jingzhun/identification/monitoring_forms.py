"""Forms of the monitoring pages; the actions check the same rules again and their errors show at the
field they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jingzhun import clock
from jingzhun.registry.forms import DATE, ActionModelForm, DomainErrorForm

from .models import Assistance, Hardship

MAX_REASON = 2000
MAX_RETURN_REASON = 200  # kept as the reason of the registry's status change


class HardshipForm(ActionModelForm):
    class Meta:
        model = Hardship
        fields = ["kind", "occurred_on", "expense", "note"]
        widgets = {"occurred_on": DATE}
        help_texts = {"expense": _("Medical, rehabilitation or rebuilding costs the household must bear.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = clock.today

    def values(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class AssistanceForm(ActionModelForm):
    class Meta:
        model = Assistance
        fields = ["given_on", "measure"]
        widgets = {"given_on": DATE}
        help_texts = {"measure": _("For example: a public-welfare job, medical assistance, a small loan.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_on"].initial = clock.today


class ReasonForm(DomainErrorForm, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=MAX_REASON,
                             widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))


class ReturnForm(DomainErrorForm, forms.Form):
    year = forms.IntegerField(label=_("income year"), min_value=2000)
    reason = forms.CharField(label=_("reason"), max_length=MAX_RETURN_REASON,
                             help_text=_("For example: income fell after a serious illness."))


class FlagForm(forms.Form):
    area = forms.CharField(max_length=12)
    year = forms.IntegerField(min_value=2000)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > clock.today().year:
            raise forms.ValidationError(_("Choose a year up to this one."))
        return year
