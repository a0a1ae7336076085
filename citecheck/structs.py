"""What msgspec Structs lack beside dataclasses: fields kept out of ==, hash() and repr().

A dataclass says `field(compare=False, repr=False)`; msgspec has no per-field switch,
so `compared_without("body")` gives a Struct class the three methods over its other
fields (a Fetch equals the same Fetch without its body, and its repr never prints a
page). Setting them on the class after it is made works as defining them in it does.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

import msgspec

_Struct = TypeVar("_Struct", bound=type[msgspec.Struct])


def compared_without(*left_out: str) -> Callable[[_Struct], _Struct]:
    """A class decorator: ==, hash() and repr() over the fields but `left_out`."""

    def decorate(cls: _Struct) -> _Struct:
        shown = tuple(name for name in cls.__struct_fields__ if name not in left_out)
        values = attrgetter(*shown)

        def __eq__(self: Any, other: object) -> bool:
            if other.__class__ is not self.__class__:
                return NotImplemented
            return bool(values(self) == values(other))

        def __hash__(self: Any) -> int:
            return hash(values(self))

        def __repr__(self: Any) -> str:
            listed = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
            return f"{self.__class__.__qualname__}({listed})"

        for method in (__eq__, __hash__, __repr__):
            setattr(cls, method.__name__, method)
        return cls

    return decorate
