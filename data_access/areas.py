"""Area paths: 区/街道/社区, from the whole city (no parts) down to one community."""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("district", "street", "community")


@dataclass(frozen=True)
class AreaPath:
    parts: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str | None) -> AreaPath:
        """'江汉区/北湖街道' to its parts; empty text is the whole city."""
        parts = tuple(part.strip() for part in (text or "").replace("\\", "/").split("/") if part.strip())
        if len(parts) > len(LEVELS):
            raise ValueError(text)
        return cls(parts)

    @property
    def level(self) -> str:
        """The level of the area itself: city, district, street or community."""
        return "city" if not self.parts else LEVELS[len(self.parts) - 1]

    @property
    def child_level(self) -> str | None:
        return LEVELS[len(self.parts)] if len(self.parts) < len(LEVELS) else None

    @property
    def levels_below(self) -> tuple[str, ...]:
        """Every level under the area, children first: a district's streets and communities."""
        return LEVELS[len(self.parts) :]

    def child(self, name: str) -> AreaPath:
        return AreaPath((*self.parts, name))

    def __str__(self) -> str:
        return "/".join(self.parts)


ROLES = ("city", "district", "street", "community", "clerk")
ROLE_DEPTH = {"city": 0, "district": 1, "street": 2, "community": 3}  # how many area parts the role's scope has
PERSONAL_DATA_ROLES = frozenset({"street", "community"})  # may see (masked) member lists and reveal one record


class OutOfScopeError(PermissionError):
    """A viewer asked for an area outside their scope."""


@dataclass(frozen=True)
class Scope:
    """What a viewer may see: the area their account is for, and whether member-level data is theirs to see."""

    role: str
    area: AreaPath = AreaPath()

    def allows(self, area: AreaPath) -> bool:
        """Whether `area` lies within this scope (the scope's own area or below it)."""
        return area.parts[: len(self.area.parts)] == self.area.parts

    def check(self, area: AreaPath) -> AreaPath:
        """`area` itself when allowed; raise OutOfScopeError otherwise. Every query calls this first.

        A clerk loads ledgers and reads no records at all.
        """
        if self.role == "clerk" or not self.allows(area):
            raise OutOfScopeError(str(area))
        return area

    @property
    def sees_personal_data(self) -> bool:
        return self.role in PERSONAL_DATA_ROLES

    def __str__(self) -> str:
        return f"{self.role}:{self.area}"

    @classmethod
    def parse(cls, text: str) -> Scope:
        """The inverse of str(): 'street:江汉区/北湖街道'."""
        role, _, area = text.partition(":")
        if role not in ROLES:
            raise ValueError(text)
        return cls(role, AreaPath.parse(area))


CITY_SCOPE = Scope("city")  # the command line and precomputation act for the whole city
