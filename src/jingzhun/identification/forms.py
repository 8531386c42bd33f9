from django import forms
from django.utils.translation import gettext_lazy as _

from jingzhun.registry.forms import DATE, DomainErrorForm

from .models import Case, Objection

NOTE = forms.Textarea(attrs={"rows": 2})


class StepForm(DomainErrorForm, forms.Form):
    reason = forms.CharField(label=_("reason or note"), required=False, max_length=1000, widget=NOTE)


class ApplyForm(StepForm):
    year = forms.IntegerField(label=_("year evaluated"), min_value=2011,
                              help_text=_("The income year whose standards apply."))
    channel = forms.ChoiceField(label=_("how it started"), choices=Case.Channel.choices)


class ProposeExitForm(StepForm):
    year = forms.IntegerField(label=_("year evaluated"), min_value=2011,
                              help_text=_("The income year whose exit criteria must hold."))


class AppraisalForm(StepForm):
    meeting_on = forms.DateField(label=_("appraisal meeting on"), widget=DATE)
    attendance = forms.IntegerField(label=_("representatives attending"), min_value=1)
    votes_for = forms.IntegerField(label=_("votes in favour"), min_value=0)
    votes_against = forms.IntegerField(label=_("votes against"), min_value=0)
    abstentions = forms.IntegerField(label=_("abstentions"), min_value=0, initial=0)


class VerifyForm(StepForm):
    household_agrees = forms.BooleanField(label=_("the household agrees to its exit"), required=False)


class ObjectionForm(DomainErrorForm, forms.Form):
    text = forms.CharField(label=_("your objection"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("What is wrong, and how you know it."))
    contact = forms.CharField(label=_("your name or phone (optional)"), max_length=100, required=False,
                              help_text=_("Only the officers handling the objection see it."))


class AnswerForm(DomainErrorForm, forms.Form):
    answer = forms.CharField(label=_("answer"), widget=NOTE, max_length=2000)
    outcome = forms.ChoiceField(label=_("outcome"), choices=Objection.Outcome.choices,
                                widget=forms.RadioSelect)


# The form each step needs; any other step takes a reason only.
STEP_FORMS = {"appraise": AppraisalForm, "verify": VerifyForm}
