"""Forms of the mutual fund pages. They check what a user can mend at once; the actions check every rule
again (membership, limits, money the fund can lend) and their errors show at the field they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jingzhun import clock
from jingzhun.registry.forms import DATE, ActionModelForm, DomainErrorForm
from jingzhun.registry.models import Household

from . import mutual_queries as queries
from .models import Contribution, Loan, Membership, MutualFund, Repayment


def _households(field: forms.ModelChoiceField, households) -> None:
    """A household select labelled with its number and its head's name."""
    field.queryset = households.order_by("number")
    names = queries.heads(households.values("pk"))
    field.label_from_instance = lambda h: f"{h.number} · {names.get(h.pk, '')}"


def _members(fund: MutualFund):
    return Household.objects.filter(fund_memberships__fund=fund, fund_memberships__left_on__isnull=True)


def _today(form: forms.BaseForm, *names: str) -> None:
    for name in names:
        form.fields[name].initial = clock.today


class FoundForm(ActionModelForm):
    class Meta:
        model = MutualFund
        fields = ["founded_on", "note"]
        widgets = {"founded_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today(self, "founded_on")


class ContributionForm(ActionModelForm):
    class Meta:
        model = Contribution
        fields = ["kind", "amount", "on", "household", "note"]
        widgets = {"on": DATE}
        help_texts = {"household": _("A member's own payment, or the base share of a poor member household "
                                     "paid from fiscal funds; leave blank for the government's capital.")}

    def __init__(self, *args, fund: MutualFund, **kwargs):
        super().__init__(*args, **kwargs)
        _households(self.fields["household"], _members(fund))
        _today(self, "on")


class MemberForm(ActionModelForm):
    class Meta:
        model = Membership
        fields = ["household", "joined_on", "shares"]
        widgets = {"joined_on": DATE}

    def __init__(self, *args, fund: MutualFund, **kwargs):
        super().__init__(*args, **kwargs)
        _households(self.fields["household"], Household.objects.filter(village_id=fund.village_id)
                    .exclude(pk__in=_members(fund).values("pk")))
        _today(self, "joined_on")


class EndMemberForm(DomainErrorForm, forms.Form):
    membership = forms.ModelChoiceField(Membership.objects.none(), label=_("member household"))
    left_on = forms.DateField(label=Membership._meta.get_field("left_on").verbose_name, widget=DATE)
    reason = forms.CharField(label=_("reason"), max_length=200,
                             help_text=_("For example: the household chose to leave; it moved away."))

    def __init__(self, *args, fund: MutualFund, **kwargs):
        super().__init__(*args, **kwargs)
        current = fund.memberships.filter(left_on__isnull=True).select_related("household")
        self.fields["membership"].queryset = current.order_by("household__number")
        names = queries.heads(current.values("household_id"))
        self.fields["membership"].label_from_instance = (
            lambda m: f"{m.household.number} · {names.get(m.household_id, '')}")
        _today(self, "left_on")


class LoanForm(ActionModelForm):
    class Meta:
        model = Loan
        fields = ["household", "principal", "issued_on", "term_months", "schedule", "group", "purpose"]
        widgets = {"issued_on": DATE}
        help_texts = {"group": _("Loans go through joint-liability groups: name the borrower's group."),
                      "term_months": _("Up to the standard's longest term; the monthly occupancy fee is the "
                                       "standard's for the year of issue.")}

    def __init__(self, *args, fund: MutualFund, **kwargs):
        super().__init__(*args, **kwargs)
        borrowing = Loan.objects.filter(fund=fund, state=Loan.State.ACTIVE).values("household_id")
        _households(self.fields["household"], _members(fund).exclude(pk__in=borrowing))
        self.fields["group"].required = True
        _today(self, "issued_on")


class RepaymentForm(ActionModelForm):
    """On a fund's page the loan is chosen among those being repaid; on a loan's page it is that loan."""

    class Meta:
        model = Repayment
        fields = ["loan", "amount", "paid_on"]
        widgets = {"paid_on": DATE}

    def __init__(self, *args, fund: MutualFund | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if fund is None:
            del self.fields["loan"]
        else:
            active = fund.loans.filter(state=Loan.State.ACTIVE).select_related("household")
            self.fields["loan"].queryset = active.order_by("household__number", "issued_on")
            names = queries.heads(active.values("household_id"))
            self.fields["loan"].label_from_instance = (
                lambda loan: f"{loan.household.number} · {names.get(loan.household_id, '')} · "
                             f"{loan.principal:,.2f} · {loan.issued_on:%Y-%m-%d}")
        _today(self, "paid_on")


class WriteOffForm(DomainErrorForm, forms.Form):
    closed_on = forms.DateField(label=Loan._meta.get_field("closed_on").verbose_name, widget=DATE,
                                required=False, help_text=_("Left blank: today. From this day the loan "
                                                            "is off the overdue list."))
    reason = forms.CharField(label=_("reason"), max_length=Loan._meta.get_field("close_reason").max_length,
                             help_text=_("Why the rest of the loan will not be collected, and who decided."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today(self, "closed_on")
