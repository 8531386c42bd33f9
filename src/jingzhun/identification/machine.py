"""The procedures as state machines: which step leads from which state to which, and who may take it.

Pure data and lookups; actions.py and area_actions.py take the steps (guards on time and objections,
the event, the effects on the registry) through one transition function each.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jingzhun.areas.models import Role

CADRE, TOWNSHIP, COUNTY = Role.VILLAGE_CADRE, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER
PREFECTURE, PROVINCE = Role.PREFECTURE_OFFICER, Role.PROVINCE_OFFICER
START = ""  # the state before a case exists


@dataclass(frozen=True)
class Step:
    name: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    label: str
    # Leaving a state whose notice is up needs the notice to have run its days and every objection
    # answered.
    closes_notice: bool = False


def _step(name, sources, target, roles, label, closes_notice=False) -> Step:
    return Step(name, frozenset(sources), target, frozenset(roles), label, closes_notice)


STATE_LABELS = {
    "applied": _("applied"),
    "appraised": _("appraised by the village"),
    "first_notice": _("first public notice"),
    "township_reviewed": _("reviewed by the township"),
    "second_notice": _("approved by the county, second notice"),
    "registered": _("registered"),
    "proposed": _("proposed"),
    "verified": _("verified against the criteria"),
    "notice": _("public notice"),
    "exited": _("exited"),
    "reviewed": _("reviewed by the prefecture"),
    "assessed": _("third-party assessment passed"),
    "rejected": _("rejected"),
    "withdrawn": _("withdrawn"),
}

IDENTIFICATION = [
    _step("apply", [START], "applied", [CADRE], _("Record the application")),
    _step("appraise", ["applied"], "appraised", [CADRE], _("Record the democratic appraisal")),
    _step("post_notice", ["appraised"], "first_notice", [CADRE], _("Post the first public notice")),
    _step("township_review", ["first_notice"], "township_reviewed", [TOWNSHIP], _("Township review"),
          closes_notice=True),
    _step("county_approve", ["township_reviewed"], "second_notice", [COUNTY],
          _("County approval and second notice")),
    _step("register", ["second_notice"], "registered", [COUNTY], _("Register as a poor household"),
          closes_notice=True),
    _step("village_rejects", ["applied", "appraised"], "rejected", [CADRE], _("Reject")),
    _step("township_rejects", ["first_notice", "township_reviewed"], "rejected", [TOWNSHIP], _("Reject")),
    _step("county_rejects", ["township_reviewed", "second_notice"], "rejected", [COUNTY], _("Reject")),
    _step("withdraw", ["applied", "appraised", "first_notice"], "withdrawn", [CADRE],
          _("The household withdraws")),
]

EXIT = [
    _step("propose", [START], "proposed", [CADRE], _("Propose the exit")),
    _step("verify", ["proposed"], "verified", [CADRE], _("Verify against the exit criteria")),
    _step("appraise", ["verified"], "appraised", [CADRE], _("Record the democratic appraisal")),
    _step("post_notice", ["appraised"], "notice", [CADRE], _("Post the public notice")),
    _step("approve", ["notice"], "exited", [TOWNSHIP], _("Approve and announce the exit"),
          closes_notice=True),
    _step("village_rejects", ["proposed", "verified", "appraised"], "rejected", [CADRE], _("Reject")),
    _step("township_rejects", ["notice"], "rejected", [TOWNSHIP], _("Reject")),
    _step("withdraw", ["proposed", "verified"], "withdrawn", [CADRE], _("Withdraw the proposal")),
]

VILLAGE_EXIT = [
    _step("propose", [START], "proposed", [TOWNSHIP], _("Propose the village's exit")),
    _step("post_notice", ["proposed"], "notice", [TOWNSHIP], _("Post the township notice")),
    _step("approve", ["notice"], "exited", [COUNTY], _("Approve and announce the exit"), closes_notice=True),
    _step("county_rejects", ["proposed", "notice"], "rejected", [COUNTY], _("Reject")),
    _step("withdraw", ["proposed"], "withdrawn", [TOWNSHIP], _("Withdraw the proposal")),
]

COUNTY_EXIT = [
    _step("apply", [START], "applied", [COUNTY], _("Apply for the county's exit")),
    _step("city_review", ["applied"], "reviewed", [PREFECTURE], _("Prefecture review")),
    _step("assess", ["reviewed"], "assessed", [PROVINCE], _("Accept the third-party assessment")),
    _step("post_notice", ["assessed"], "notice", [PROVINCE], _("Post the public notice")),
    _step("approve", ["notice"], "exited", [PROVINCE], _("Approve the exit"), closes_notice=True),
    _step("prefecture_rejects", ["applied"], "rejected", [PREFECTURE], _("Reject")),
    _step("province_rejects", ["reviewed", "assessed", "notice"], "rejected", [PROVINCE], _("Reject")),
    _step("withdraw", ["applied"], "withdrawn", [COUNTY], _("Withdraw the application")),
]

PROCEDURES: dict[str, dict[str, Step]] = {
    kind: {step.name: step for step in steps}
    for kind, steps in {"identification": IDENTIFICATION, "exit": EXIT, "village_exit": VILLAGE_EXIT,
                        "county_exit": COUNTY_EXIT}.items()
}
ENDED = frozenset({"registered", "exited", "rejected", "withdrawn"})
# States in which a notice is up, by procedure.
NOTICE_STATES = {"identification": {"first_notice": 1, "second_notice": 2}, "exit": {"notice": 1},
                 "village_exit": {"notice": 1}, "county_exit": {"notice": 1}}


class StepRefused(Exception):
    """Why a step cannot be taken now: wrong state, wrong role (the message says which)."""

    def __init__(self, message, *, wrong_role: bool = False):
        super().__init__(str(message))
        self.message = message
        self.wrong_role = wrong_role


def step(kind: str, name: str) -> Step:
    return PROCEDURES[kind][name]


def check(kind: str, name: str, state: str, role: str | None) -> Step:
    """The step, if a holder of `role` may take it from `state`; else StepRefused saying why."""
    found = PROCEDURES[kind].get(name)
    if found is None:
        raise StepRefused(_("There is no such step."))
    if state not in found.sources:
        raise StepRefused(_("This step cannot be taken now: the case is %(state)s.") % {
            "state": state_label(state) if state else _("not started")})
    if role not in found.roles:
        raise StepRefused(_("Your role may not take this step."), wrong_role=True)
    return found


def next_steps(kind: str, state: str, role: str | None = None) -> list[Step]:
    """Steps leading out of `state`, those `role` may take if a role is given, in procedure order."""
    return [s for s in PROCEDURES[kind].values() if state in s.sources and (role is None or role in s.roles)]


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))
