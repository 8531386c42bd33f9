"""The one place that says what a user may see and do: role capabilities and the area prefix test.

Pages, exports and the API all obtain a `Scope` from `scope_for(user)` and filter through it.
"""

from dataclasses import dataclass

from django.db.models import Q

from .models import PREFIX_LENGTH, Level, Role


@dataclass(frozen=True)
class Capabilities:
    level: Level  # the level of area the post is held at
    edits_registry: bool
    sees_id_numbers: bool
    exports: bool
    own_households_only: bool = False
    edits_policy: bool = False  # poverty lines, thresholds and criteria
    # Pairing partners sign in to their pairings only: no household, area or registry page.
    reads_registry: bool = True
    # Helpers record visits and deliveries for their own households without editing the registry.
    helps_households: bool = False


# Province and prefecture officers oversee, they do not register; helpers and auditors only read.
CAPABILITIES: dict[str, Capabilities] = {
    Role.PROVINCE_OFFICER: Capabilities(Level.PROVINCE, False, False, True, edits_policy=True),
    Role.PREFECTURE_OFFICER: Capabilities(Level.PREFECTURE, False, False, True),
    Role.COUNTY_OFFICER: Capabilities(Level.COUNTY, True, True, True),
    Role.TOWNSHIP_OFFICER: Capabilities(Level.TOWNSHIP, True, True, True),
    Role.VILLAGE_CADRE: Capabilities(Level.VILLAGE, True, True, True),
    Role.HELPER: Capabilities(Level.VILLAGE, False, False, False, own_households_only=True,
                              helps_households=True),
    Role.AUDITOR: Capabilities(Level.COUNTY, False, False, True),
    Role.PAIRING_PARTNER: Capabilities(Level.PROVINCE, False, False, False, reads_registry=False),
}


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    role: str | None = None
    prefix: str = ""
    area_code: str | None = None

    @property
    def capabilities(self) -> Capabilities | None:
        return CAPABILITIES.get(self.role) if self.role else None

    @property
    def signed_in(self) -> bool:
        """Holds a post of any role (the public and users without a post hold none)."""
        return self.capabilities is not None

    @property
    def reads_registry(self) -> bool:
        return bool(self.capabilities and self.capabilities.reads_registry)

    @property
    def helps_households(self) -> bool:
        return bool(self.capabilities and self.capabilities.helps_households)

    @property
    def edits_registry(self) -> bool:
        return bool(self.capabilities and self.capabilities.edits_registry)

    @property
    def sees_id_numbers(self) -> bool:
        return bool(self.capabilities and self.capabilities.sees_id_numbers)

    @property
    def exports(self) -> bool:
        return bool(self.capabilities and self.capabilities.exports)

    @property
    def edits_policy(self) -> bool:
        return bool(self.capabilities and self.capabilities.edits_policy)

    @property
    def own_households_only(self) -> bool:
        return bool(self.capabilities and self.capabilities.own_households_only)

    def covers(self, code: str) -> bool:
        return self.reads_registry and code.startswith(self.prefix)

    def area_q(self, field: str) -> Q:
        """A filter keeping rows whose area code field lies inside this scope (none for the public)."""
        if not self.reads_registry:
            return Q(pk__in=[])
        return Q(**{f"{field}__startswith": self.prefix})


PUBLIC = Scope()


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated:
        return PUBLIC
    post = getattr(user, "post", None)
    if post is None or post.role not in CAPABILITIES or not user.is_active:
        return PUBLIC
    return Scope(
        user_id=user.pk,
        role=post.role,
        prefix=post.area_id[: PREFIX_LENGTH[post.area.level]],
        area_code=post.area_id,
    )


def mask_id_number(number: str | None) -> str:
    """640102********1234: area code and last four kept, birth date and order hidden."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
