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

    def child(self, name: str) -> AreaPath:
        return AreaPath((*self.parts, name))

    def __str__(self) -> str:
        return "/".join(self.parts)
