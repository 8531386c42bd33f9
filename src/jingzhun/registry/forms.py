import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from jingzhun.areas.models import Area, Level
from jingzhun.errors import DomainError, NotAllowed, OutOfScope

from . import rules
from .choices import LeftReason
from .models import Cause, Household, Income, LivingConditions, Member

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def attempt(form, act) -> bool:
    """Run the action; a refusal of the input shows at its field, a refusal of the user stays a 403."""
    try:
        act()
    except (OutOfScope, NotAllowed):
        raise
    except DomainError as error:
        form.add_domain_error(error)
        return False
    return True


class DomainErrorForm:
    def add_domain_error(self, error) -> None:
        """Show an action's error at the field it names, or above the form."""
        self.add_error(error.field if error.field in self.fields else None, error.message)


class ActionModelForm(DomainErrorForm, forms.ModelForm):
    """Model forms whose saving goes through an action; uniqueness is checked there, shown at the field."""

    def validate_unique(self):
        pass


class HouseholdForm(ActionModelForm):
    main_cause = forms.ModelChoiceField(Cause.objects.all(), label=_("main cause of poverty"), required=False)
    other_causes = forms.ModelMultipleChoiceField(Cause.objects.all(), label=_("other causes of poverty"),
                                                  required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Household
        fields = ["address", "phone", "household_type", "registered_year", "main_cause", "other_causes"]

    def cause_values(self) -> dict:
        main = self.cleaned_data.get("main_cause")
        return {"main_cause": main.code if main else None,
                "other_causes": [c.code for c in self.cleaned_data.get("other_causes", [])]}

    def household_values(self) -> dict:
        return {f: self.cleaned_data[f] for f in ("address", "phone", "household_type", "registered_year")}


class NewHouseholdForm(HouseholdForm):
    village = forms.ModelChoiceField(Area.objects.none(), label=_("village"))

    class Meta(HouseholdForm.Meta):
        fields = ["village", *HouseholdForm.Meta.fields]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Area.objects.filter(level=Level.VILLAGE,
                                                              code__startswith=scope.prefix)
        self.fields["registered_year"].initial = datetime.date.today().year


class MemberForm(ActionModelForm):
    class Meta:
        model = Member
        fields = ["name", "id_number", "relation", "ethnicity", "education", "in_school", "health",
                  "disability_grade", "labour", "months_away", "joined_on"]
        widgets = {"joined_on": DATE, "id_number": forms.TextInput(attrs={"autocomplete": "off",
                                                                            "inputmode": "text"})}
        help_texts = {"id_number": _("18 characters; sex and date of birth are read from it.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joined_on"].initial = datetime.date.today()

    def clean_id_number(self) -> str:
        """The same rule the action applies, here so its error shows beside the others at once."""
        try:
            return rules.check_id_number(self.cleaned_data["id_number"]).number
        except rules.IdNumberError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    def clean(self):
        data = super().clean()
        if data.get("health") == "disabled" and not data.get("disability_grade"):
            self.add_error("disability_grade", _("Give the disability grade (1–4)."))
        return data

    def values(self) -> dict:
        return dict(self.cleaned_data)


class HeadForm(MemberForm):
    class Meta(MemberForm.Meta):
        fields = [f for f in MemberForm.Meta.fields if f != "relation"]


class CloseMemberForm(DomainErrorForm, forms.Form):
    left_on = forms.DateField(label=_("left household on"), widget=DATE, initial=datetime.date.today)
    left_reason = forms.ChoiceField(label=_("reason for leaving"), choices=LeftReason.choices)


class IncomeForm(ActionModelForm):
    class Meta:
        model = Income
        fields = ["year", *Income.AMOUNT_FIELDS]


class ConditionsForm(ActionModelForm):
    class Meta:
        model = LivingConditions
        fields = ["year", *LivingConditions.CHECK_FIELDS, "dangerous_house_grade"]


class CloseHouseholdForm(DomainErrorForm, forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200,
                             help_text=_("For example: all members died, moved away, registered in error."))


class ImportForm(DomainErrorForm, forms.Form):
    file = forms.FileField(label=_("register file"), help_text=_(
        "An .xlsx or .csv file with one row per member, in the template's columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    partial = forms.BooleanField(label=_("import the valid households only"), required=False, help_text=_(
        "Without this, a file with any error imports nothing. With it, every household whose rows are all "
        "valid is imported and the rest come back in the report."))
