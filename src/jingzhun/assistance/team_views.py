"""Pages of villages' resident work teams: an area's teams against the standard (a village's teams, a
township's villages, counts for larger areas), one team with its members, and sending a team.

Everyone who reads the registry reads teams within their area; county officers of the village's county
send, change and withdraw them."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun import clock
from jingzhun.areas.models import Level
from jingzhun.errors import DomainError, InvalidTransition, NotAllowed
from jingzhun.registry.decorators import registry_reader
from jingzhun.registry.queries import visible_area

from . import team_actions, team_queries, team_rules
from .team_forms import AddMemberForm, EndMemberForm, MemberRows, TeamForm, WithdrawForm


def teams_url(area_code: str, year: int | None = None) -> str:
    query = {"area": area_code, **({"year": year} if year else {})}
    return f"{reverse('assistance:teams')}?{urlencode(query)}"


def _refuse_unless_manager(scope, village_code: str) -> None:
    # Checked before any form: the actions' own refusal would otherwise show as a field error.
    if not team_actions.may_manage(scope, village_code):
        raise NotAllowed(_("Only county officers send and manage resident work teams."))


@registry_reader
def teams(request):
    scope = request.scope
    area = visible_area(scope, request.GET.get("area") or scope.area_code or "")
    year = team_queries.year_from(request.GET.get("year"))
    context = {"area": area, "year": year, "ancestors": area.ancestors, "problems": team_rules.PROBLEMS,
               "years": range(clock.today().year, team_rules.FIRST_YEAR - 1, -1)}
    if area.level == Level.VILLAGE:
        history = team_queries.teams_of(area)
        serving = next((team for team in history if team.ended_on is None), None)
        past = [team for team in history if team.ended_on is not None]
        reasons = team_queries.withdrawal_reasons(past)
        context.update(status=team_queries.village_status(scope, area, year), serving=serving,
                       serving_members=team_queries.members(serving) if serving else [],
                       past=[(team, reasons.get(team.pk, "")) for team in past],
                       can_send=serving is None and team_actions.may_manage(scope, area.code))
    else:
        rows, total = team_queries.team_counts(scope, area, year)
        context.update(rows=[(row, teams_url(row.area.code, year)) for row in rows], total=total)
        if area.level == Level.TOWNSHIP:
            context["villages"] = team_queries.village_statuses(scope, area, year)
    return render(request, "assistance/teams.html", context)


def _team_page(request, team, **forms):
    scope = request.scope
    writes = team.ended_on is None and team_actions.may_manage(scope, team.village_id)
    context = {"team": team, "village": team.village, "members": team_queries.members(team),
               "trail": team_queries.trail(team), "writes": writes,
               "list_url": teams_url(team.village_id)}
    if writes:
        context.update(
            add_form=forms.get("add") or AddMemberForm(prefix="add"),
            end_form=forms.get("end") or EndMemberForm(prefix="end", team=team),
            withdraw_form=forms.get("withdraw") or WithdrawForm(prefix="withdraw"))
    return render(request, "assistance/team.html", context)


@registry_reader
def team(request, pk: int):
    return _team_page(request, team_queries.get_team(request.scope, pk))


def _post(request, pk: int, name: str, form, act, done: str):
    """A form of the team page: validate, run the action, show its error at the field it names."""
    found = team_queries.get_team(request.scope, pk)
    _refuse_unless_manager(request.scope, found.village_id)
    if found.ended_on is not None:  # its page has no forms left to show an error in
        raise InvalidTransition(_("This team has been withdrawn; its record can no longer be changed."))
    form = form(found)
    if form.is_valid():
        try:
            act(found, form)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, done)
            return redirect("assistance:team", pk=pk)
    return _team_page(request, found, **{name: form})


@registry_reader
@require_POST
def team_add_member(request, pk: int):
    return _post(request, pk, "add", lambda t: AddMemberForm(request.POST, prefix="add"),
                 lambda t, form: team_actions.add_team_member(t, actor=request.user, **form.values()),
                 _("The member has joined the team."))


@registry_reader
@require_POST
def team_end_member(request, pk: int):
    return _post(request, pk, "end", lambda t: EndMemberForm(request.POST, prefix="end", team=t),
                 lambda t, form: team_actions.end_team_member(
                     form.cleaned_data["member"], actor=request.user, ended_on=form.cleaned_data["ended_on"],
                     reason=form.cleaned_data["reason"]),
                 _("The member has left the team."))


@registry_reader
@require_POST
def team_withdraw(request, pk: int):
    return _post(request, pk, "withdraw", lambda t: WithdrawForm(request.POST, prefix="withdraw"),
                 lambda t, form: team_actions.withdraw_team(
                     t, actor=request.user, ended_on=form.cleaned_data["ended_on"],
                     reason=form.cleaned_data["reason"]),
                 _("The team has been withdrawn."))


@registry_reader
def team_new(request):
    scope = request.scope
    village = visible_area(scope, request.GET.get("village") or "")
    if village.level != Level.VILLAGE:
        raise Http404
    _refuse_unless_manager(scope, village.code)
    serving = team_queries.teams_of(village)
    serving = next((t for t in serving if t.ended_on is None), None)
    form = TeamForm(request.POST or None)
    rows = MemberRows(request.POST or None, prefix="members")
    valid = request.method == "POST" and [form.is_valid(), rows.is_valid()] == [True, True]
    if valid and serving is None:
        try:
            created = team_actions.send_team(village, actor=request.user, members=rows.members(),
                                             **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The work team has been recorded."))
            return redirect("assistance:team", pk=created.pk)
    return render(request, "assistance/team_new.html", {
        "village": village, "ancestors": village.ancestors, "form": form, "rows": rows, "serving": serving,
        "list_url": teams_url(village.code)})
