from django import forms
from django.utils.translation import gettext_lazy as _

from jingzhun.registry.forms import DomainErrorForm

from .actions import FIELDS
from .models import Standard


class StandardForm(DomainErrorForm, forms.ModelForm):
    """A row of the standards and the reason for writing it; the action checks the rest and keeps both."""

    reason = forms.CharField(label=_("reason for the change"), max_length=300,
                             help_text=_("Kept in the row's history, with your name and the time."))

    class Meta:
        model = Standard
        fields = list(FIELDS)
        help_texts = {
            "jurisdiction": _("Empty for the national standard, “west” for the western region, or the code "
                              "prefix of an area of your province (64, 6404, 640422 …)."),
            "year_to": _("Empty: it holds for every later year."),
            "value": _("Shares are written between 0 and 1: 0.03 for 3%."),
            "in_force": _("Of conflicting figures for the same years only one is in force; the others are "
                          "kept with their sources."),
        }
        widgets = {"source": forms.TextInput(attrs={"size": 60}), "note": forms.TextInput(attrs={"size": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # 3747, not 3747.0000
            self.initial["value"] = f"{self.instance.value.normalize():f}"

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class StandardEditForm(StandardForm):
    """The key stays: a different standard is a new row, this one retired."""

    class Meta(StandardForm.Meta):
        fields = [name for name in FIELDS if name != "key"]
