"""Forms of the funds' pages: a new fund, and a fund's receipt, allocation, recovery from a project and
reversal. They check the shape of what is typed; funds.actions checks every rule again and its errors
show at the field."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingzhun import clock
from jingzhun.areas.models import Area, Level
from jingzhun.assistance.models import Partner
from jingzhun.registry.forms import DATE, ActionModelForm, DomainErrorForm
from jingzhun.registry.templatetags.registry_tags import yuan

from . import fund_queries
from .models import Entry, Fund, Project, Purpose

HOLDING_LEVELS = (Level.PROVINCE, Level.PREFECTURE, Level.COUNTY)


def amount_field(label=None) -> forms.DecimalField:
    return forms.DecimalField(label=label or _("amount (yuan)"), max_digits=16, decimal_places=2,
                              widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}))


def day_field(label=None) -> forms.DateField:
    return forms.DateField(label=label or _("date"), widget=DATE, required=False, initial=clock.today,
                           help_text=_("Leave blank for today."))


class NewFundForm(ActionModelForm):
    area = forms.ChoiceField(label=_("held by"))
    purposes = forms.MultipleChoiceField(label=_("purposes"), choices=Purpose.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=_("What the money may be spent on; none ticked: any."))
    partner = forms.ModelChoiceField(Partner.objects.order_by("name_zh"), label=_("pairing partner"),
                                     required=False,
                                     help_text=_("Only for money from a pairing partner."))

    class Meta:
        model = Fund
        fields = ["source", "year", "name", "purposes", "partner", "document"]
        help_texts = {"name": _("For example: 2020 central special poverty-alleviation fund."),
                      "document": _("The number of the document that allocated the money.")}

    field_order = ["area", *Meta.fields]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        areas = Area.objects.filter(level__in=HOLDING_LEVELS, code__startswith=scope.prefix)
        self.fields["area"].choices = [(a.code, a.name) for a in areas]
        self.fields["year"].initial = clock.today().year

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        return {"area_code": data.pop("area"), **data}


class ReceiptForm(DomainErrorForm, forms.Form):
    amount = amount_field()
    on = day_field(_("received on"))
    voucher = forms.CharField(label=_("voucher"), max_length=40, required=False,
                              help_text=_("The accounting voucher's number."))
    memo = forms.CharField(label=_("memo"), max_length=300, required=False)


class AllocationForm(DomainErrorForm, forms.Form):
    project = forms.ModelChoiceField(Project.objects.none(), label=pgettext_lazy("funds", "to project"),
                                     help_text=_("Projects of the fund's year and the years beside it."))
    amount = amount_field()
    on = day_field(_("allocated on"))
    memo = forms.CharField(label=_("memo"), max_length=300, required=False)

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = fund_queries.allocatable_projects(fund)
        self.fields["project"].label_from_instance = lambda p: f"{p.year} · {p.area.name} · {p.name}"


def recovery_memo_field() -> forms.CharField:
    return forms.CharField(label=_("why the money is recovered"), max_length=300,
                           help_text=_("For example: the project was cancelled; finished under budget."))


class RecoveryForm(DomainErrorForm, forms.Form):
    """Money a project was allocated of this fund and has not spent, taken back into the fund."""

    project = forms.ModelChoiceField(Project.objects.none(), label=pgettext_lazy("funds", "from project"),
                                     help_text=_("Projects holding money of this fund not yet spent."))
    amount = amount_field()
    on = day_field(_("recovered on"))
    memo = recovery_memo_field()

    def __init__(self, *args, projects: list, **kwargs):
        super().__init__(*args, **kwargs)
        unspent = {project.pk: totals.unspent for project, totals in projects}
        self.fields["project"].queryset = Project.objects.filter(pk__in=unspent).select_related("area")
        self.fields["project"].label_from_instance = lambda p: _(
            "%(project)s (%(a)s yuan not yet spent)") % {
            "project": f"{p.year} · {p.area.name} · {p.name}", "a": yuan(unspent.get(p.pk))}


class ReversalForm(DomainErrorForm, forms.Form):
    # A number, not a list: a county's fund may hold thousands of entries.
    entry = forms.ModelChoiceField(Entry.objects.none(), label=_("number of the entry to reverse"),
                                   widget=forms.NumberInput(attrs={"min": 1}),
                                   help_text=_("The # column of the ledger; an entry reversed already, or a "
                                               "reversal, cannot be reversed."),
                                   error_messages={"invalid_choice": _("No entry of this fund that can still "
                                                                       "be reversed has this number.")})
    # A household's trail holds a reason of 200 characters.
    reason = forms.CharField(label=_("reason"), max_length=200,
                             help_text=_("For example: recorded twice; wrong project; wrong amount."))
    on = day_field(_("reversed on"))

    def __init__(self, *args, fund: Fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = fund_queries.reversible(fund)
