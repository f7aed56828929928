"""Argument checks that name the argument, the value and what is allowed."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["SeedLike"]


def check_int(name: str, value, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as int, or raise naming ``name`` and the allowed range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}")
    return value


def check_float(
    name: str,
    value,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    allow_inf: bool = False,
) -> float:
    """Return ``value`` as float within the stated bounds, or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if math.isnan(value) or (math.isinf(value) and not allow_inf):
        raise ValueError(f"{name} must be a finite number, got {value}")
    lo_txt = "(" if low_open else "["
    hi_txt = ")" if high_open else "]"
    if low is None and not allow_inf:
        lo_txt = "("
    if high is None and not allow_inf:
        hi_txt = ")"  # a bound written "inf]" would say inf is allowed
    allowed = f"{lo_txt}{'-inf' if low is None else low}, {'inf' if high is None else high}{hi_txt}"
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name} must lie in {allowed}, got {value}")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{name} must lie in {allowed}, got {value}")
    return value


def check_choice(name: str, value, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise listing them."""
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


#: What a ``seed`` argument accepts: None (fresh entropy), an int >= 0, a
#: sequence of ints, a SeedSequence or a numpy Generator.
SeedLike = None | int | Sequence[int] | np.random.SeedSequence | np.random.Generator


def normalise_seed(seed: SeedLike) -> np.random.SeedSequence:
    """One seed argument in, a fresh SeedSequence out (never mutating the input).

    Accepts None (fresh entropy), a non-negative int, a sequence of ints, a
    SeedSequence or a numpy Generator (its bit generator's seed sequence).
    """
    if isinstance(seed, np.random.Generator):
        seed = seed.bit_generator.seed_seq
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(
            seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size
        )
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, bool):
        raise TypeError(f"seed must be None, an int >= 0 or a SeedSequence, got {seed!r}")
    if isinstance(seed, numbers.Integral):
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        return np.random.SeedSequence(int(seed))
    try:
        words = [check_int("seed", s, low=0) for s in seed]
    except TypeError:
        raise TypeError(
            f"seed must be None, an int >= 0, a sequence of ints or a SeedSequence; got {seed!r}"
        ) from None
    return np.random.SeedSequence(words)
