"""Forms of the work-team pages. They check what a user can mend at once (required fields, a phone's
shape, one first secretary); the actions check every rule again and their errors show at the field."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jingzhun import clock
from jingzhun.registry.forms import DATE, ActionModelForm, DomainErrorForm

from . import team_rules
from .models import TeamMember, WorkTeam

MEMBER_ROWS = 6
PHONE_HELP = _("A mobile number: 11 digits starting with 1.")


def _phone(value: str) -> str:
    value = (value or "").strip()
    if value and not team_rules.phone_ok(value):
        raise ValidationError(_("A phone number has 11 digits and starts with 1."))
    return value


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class TeamForm(ActionModelForm):
    class Meta:
        model = WorkTeam
        fields = ["sending_unit", "started_on", "term_ends_on", "note"]
        widgets = {"started_on": DATE, "term_ends_on": DATE}
        help_texts = {"sending_unit": _("The department or enterprise that sends the team."),
                      "term_ends_on": _("The standard term is at least two years.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = clock.today()
        self.fields["started_on"].initial = today
        self.fields["term_ends_on"].initial = _years_later(today, 2)


class MemberRowForm(forms.Form):
    """One row of a new team's members; rows left blank are skipped."""

    name = forms.CharField(label=_("name"), max_length=40, required=False)
    unit = forms.CharField(label=_("work unit"), max_length=120, required=False)
    position = forms.ChoiceField(label=_("position"), choices=TeamMember.Position.choices,
                                 initial=TeamMember.Position.MEMBER)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone"))

    def clean(self):
        data = super().clean()
        if (data.get("unit") or data.get("phone")) and not data.get("name"):
            self.add_error("name", _("Enter the member's name."))
        return data


class BaseMemberRows(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = self.members()
        if not rows:
            raise ValidationError(_("Enter at least one member."))
        if sum(row["position"] == TeamMember.Position.FIRST_SECRETARY for row in rows) > 1:
            raise ValidationError(_("A team has one serving first secretary."))

    def members(self) -> list[dict]:
        return [{k: form.cleaned_data.get(k, "") for k in ("name", "unit", "position", "phone")}
                for form in self.forms if form.cleaned_data.get("name")]


MemberRows = forms.formset_factory(MemberRowForm, formset=BaseMemberRows, extra=MEMBER_ROWS,
                                   max_num=30, absolute_max=30)


class AddMemberForm(ActionModelForm):
    class Meta:
        model = TeamMember
        fields = ["name", "unit", "position", "phone", "started_on"]
        widgets = {"started_on": DATE}
        help_texts = {"unit": _("Leave blank for the sending unit."), "phone": PHONE_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].required = False
        self.fields["started_on"].initial = clock.today

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone"))

    def values(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class EndMemberForm(DomainErrorForm, forms.Form):
    member = forms.ModelChoiceField(TeamMember.objects.none(), label=_("team member"))
    ended_on = forms.DateField(label=_("left on"), widget=DATE)
    reason = forms.CharField(label=_("reason"), max_length=300,
                             help_text=_("For example: recalled by the unit, transferred, ill."))

    def __init__(self, *args, team: WorkTeam, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = team.members.filter(ended_on__isnull=True)
        self.fields["member"].label_from_instance = lambda m: f"{m.name} · {m.get_position_display()}"
        self.fields["ended_on"].initial = clock.today


class WithdrawForm(DomainErrorForm, forms.Form):
    ended_on = forms.DateField(label=_("withdrawn on"), widget=DATE)
    reason = forms.CharField(label=_("reason"), max_length=300,
                             help_text=_("For example: the term is over; the village has left poverty."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = clock.today
