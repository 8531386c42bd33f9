"""Who sees which pairing partners, pairings and figures, and the scoped reads the pairing pages share.

Officers (province to village, and auditors) see every partner's pairings touching their area, with
figures cut to their area: a Xiji officer sees Fujian–Ningxia's Xiji rows only. A pairing partner's user
sees the pairings of their partner and of its parts (a city under its province), and nothing of the
registry. Helpers, users without a post and the public see nothing here."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from jingzhun.areas.models import Area, Level, Role
from jingzhun.areas.scope import scope_for

from . import pairing_rules as rules
from .models import Commitment, Delivery, Indicator, Pairing, Partner, PartnerAccount

OFFICERS = frozenset({Role.PROVINCE_OFFICER, Role.PREFECTURE_OFFICER, Role.COUNTY_OFFICER,
                      Role.TOWNSHIP_OFFICER, Role.VILLAGE_CADRE, Role.AUDITOR})
# Officers who record figures for pairings in their area and confirm what their area received.
RECEIVERS = frozenset({Role.PROVINCE_OFFICER, Role.PREFECTURE_OFFICER, Role.COUNTY_OFFICER})
INDICATORS = list(Indicator)


def overlaps(a: str, b: str) -> bool:
    """Two areas given by their prefixes lie one inside the other."""
    return a.startswith(b) or b.startswith(a)


def ancestor_codes(prefix: str) -> list[str]:
    """The 12-digit codes of the areas above a prefix: 640422 → Ningxia and Guyuan."""
    return [prefix[:end].ljust(12, "0") for end in rules.SEGMENT_ENDS if end < len(prefix)]


@dataclass(frozen=True)
class PairingScope:
    user_id: int | None = None
    role: str | None = None
    prefix: str = ""  # an officer's area
    partner_id: int | None = None  # a partner user's own partner …
    partners: frozenset[int] = frozenset()  # … and every partner below it

    @property
    def officer(self) -> bool:
        return self.role in OFFICERS

    @property
    def partner(self) -> bool:
        return self.partner_id is not None

    @property
    def allowed(self) -> bool:
        return self.officer or self.partner

    @property
    def manages_partners(self) -> bool:
        return self.role == Role.PROVINCE_OFFICER

    def sees(self, partner_id: int, area_code: str) -> bool:
        if self.officer:
            return overlaps(self.prefix, rules.code_prefix(area_code))
        return partner_id in self.partners

    def inside(self, *codes: str) -> str:
        """The prefix figures are cut to: the narrowest of the given areas and an officer's own."""
        prefixes = [rules.code_prefix(code) for code in codes] + ([self.prefix] if self.officer else [])
        return max(prefixes, key=len)

    def records_for(self, pairing: Pairing) -> bool:
        """The partner's own users, and province, prefecture and county officers covering its area."""
        if self.role in RECEIVERS:
            return pairing.area_id.startswith(self.prefix)
        return self.partner and pairing.partner_id == self.partner_id

    def confirms(self, delivery: Delivery) -> bool:
        """The receiving side: officers at county level or above covering where it went."""
        return self.role in RECEIVERS and delivery.area_id.startswith(self.prefix)

    def withdraws(self, delivery: Delivery) -> bool:
        """The one who recorded it while unconfirmed and still theirs to record, or a receiving officer."""
        if self.confirms(delivery):
            return True
        return (delivery.recorded_by_id == self.user_id and delivery.confirmed_at is None
                and self.records_for(delivery.pairing))


def partner_parents() -> dict[int, int | None]:
    return dict(Partner.objects.values_list("id", "parent_id"))


def pairing_scope(user) -> PairingScope:
    scope = scope_for(user)
    if scope.role in OFFICERS:
        return PairingScope(user_id=scope.user_id, role=scope.role, prefix=scope.prefix)
    if scope.role == Role.PAIRING_PARTNER:
        account = PartnerAccount.objects.filter(user_id=scope.user_id).first()
        if account is not None:
            return PairingScope(user_id=scope.user_id, role=scope.role, partner_id=account.partner_id,
                                partners=rules.subtree(account.partner_id, partner_parents()))
    return PairingScope(user_id=scope.user_id, role=scope.role)


# Pairings and partners --------------------------------------------------------------------------------

def visible_pairings(ps: PairingScope) -> QuerySet[Pairing]:
    pairings = Pairing.objects.select_related("partner", "area")
    if ps.officer:
        return pairings.filter(Q(area__code__startswith=ps.prefix) | Q(area_id__in=ancestor_codes(ps.prefix)))
    if ps.partner:
        return pairings.filter(partner_id__in=ps.partners)
    return pairings.none()


def get_pairing(ps: PairingScope, pk: int) -> Pairing:
    """A pairing the user may see, or 404: others learn nothing about whether it exists."""
    pairing = visible_pairings(ps).filter(pk=pk).first()
    if pairing is None:
        raise Http404
    return pairing


def visible_partners(ps: PairingScope) -> QuerySet[Partner]:
    if ps.manages_partners:  # they keep the list, partners not yet paired included
        return Partner.objects.all()
    if ps.partner:
        return Partner.objects.filter(pk__in=ps.partners)
    return Partner.objects.filter(pk__in=visible_pairings(ps).values("partner_id"))


def get_partner(ps: PairingScope, pk: int) -> Partner:
    partner = visible_partners(ps).select_related("parent").filter(pk=pk).first()
    if partner is None:
        raise Http404
    return partner


def partner_groups(ps: PairingScope) -> list[tuple[str, list[tuple[Partner, list[Pairing], int]]]]:
    """Partners by kind, each followed by its parts (with their depth), and the pairings the user sees."""
    pairings: dict[int, list[Pairing]] = {}
    for pairing in visible_pairings(ps).order_by("area_id", "start_year"):
        pairings.setdefault(pairing.partner_id, []).append(pairing)
    partners = list(visible_partners(ps).select_related("parent"))
    seen = {p.pk for p in partners}
    children: dict[int | None, list[Partner]] = {}
    for partner in partners:  # a part whose whole the user may not see stands on its own
        children.setdefault(partner.parent_id if partner.parent_id in seen else None, []).append(partner)
    groups: dict[str, list] = {}

    def walk(partner: Partner, depth: int) -> None:
        groups.setdefault(partner.kind, []).append((partner, pairings.get(partner.pk, []), depth))
        for child in children.get(partner.pk, []):
            walk(child, depth + 1)

    for root in children.get(None, []):
        walk(root, 0)
    return [(label, groups[kind]) for kind, label in Partner.Kind.choices if kind in groups]


def own_pairings(ps: PairingScope) -> QuerySet[Pairing]:
    """A partner user's partner's own pairings (not its parts'): where they land after signing in."""
    return visible_pairings(ps).filter(partner_id=ps.partner_id) if ps.partner else Pairing.objects.none()


# Figures of a pair ------------------------------------------------------------------------------------

def pair_members(pairing: Pairing) -> QuerySet[Pairing]:
    """The pairings a pair takes in: its partner's and its parts', within its area."""
    partners = rules.subtree(pairing.partner_id, partner_parents())
    return Pairing.objects.filter(partner_id__in=partners,
                                  area__code__startswith=rules.code_prefix(pairing.area_id))


def figures(pairing: Pairing, inside: str, year: int | None = None) -> rules.PairTable:
    members = pair_members(pairing)
    promised = Commitment.objects.filter(pairing__in=members).values_list(
        "pairing__partner_id", "pairing__area_id", "year", "indicator", "amount")
    commitments = [rules.Row(partner, area, area, y, indicator, amount)
                   for partner, area, y, indicator, amount in promised]
    delivered = Delivery.objects.filter(pairing__in=members, area__code__startswith=inside).values_list(
        "pairing__partner_id", "pairing__area_id", "area_id", "year", "indicator", "amount", "withdrawn_at")
    deliveries = [rules.Row(partner, pairing_area, area, y, indicator, amount, withdrawn is not None)
                  for partner, pairing_area, area, y, indicator, amount, withdrawn in delivered]
    return rules.pair_table(commitments, deliveries, partner_id=pairing.partner_id, area_code=pairing.area_id,
                            parents=partner_parents(), inside=inside, year=year)


def deliveries(pairing: Pairing, inside: str, year: int | None = None) -> QuerySet[Delivery]:
    found = (Delivery.objects.select_related("pairing__partner", "area__parent", "recorded_by",
                                             "confirmed_by", "withdrawn_by")
             .filter(pairing__in=pair_members(pairing), area__code__startswith=inside)
             .order_by("-delivered_on", "-id"))
    return found.filter(year=year) if year else found


def get_delivery(ps: PairingScope, pk: int) -> Delivery:
    """A delivery of a pairing the user sees, inside the user's area for officers; else 404."""
    delivery = Delivery.objects.select_related("pairing__partner", "area").filter(pk=pk).first()
    if delivery is None or not ps.sees(delivery.pairing.partner_id, delivery.pairing.area_id):
        raise Http404
    if ps.officer and not overlaps(ps.prefix, rules.code_prefix(delivery.area_id)):
        raise Http404
    return delivery


def get_county(ps: PairingScope, pairing: Pairing, code: str) -> Area:
    """A county of the pair that the user may open, or 404."""
    area = Area.objects.filter(code=code, level=Level.COUNTY).first()
    if area is None or not overlaps(area.prefix, rules.code_prefix(pairing.area_id)):
        raise Http404
    if ps.officer and not overlaps(area.prefix, ps.prefix):
        raise Http404
    return area


def area_names(codes) -> dict[str, Area]:
    return {area.code: area for area in Area.objects.filter(code__in=[c for c in codes if c])}


def delivery_areas(pairing: Pairing) -> QuerySet[Area]:
    """Where a delivery may go: the pairing's area and below, to townships for wide pairings (a region
    has thousands of villages) and to villages for a county's or township's."""
    levels = [Level.PROVINCE, Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP]
    if pairing.area.level in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE):
        levels.append(Level.VILLAGE)
    return Area.objects.filter(code__startswith=pairing.area.prefix, level__in=levels).order_by("code")
