"""xoshiro256** in numba: one small, explicit RNG state per replicate.

Each replicate gets four 64-bit words from its own ``SeedSequence`` child, so
a replicate's draws depend only on its seed, never on which thread runs it.
Algorithm: D. Blackman and S. Vigna, "Scrambled linear pseudorandom number
generators", ACM TOMS 47 (2021); reference C code at prng.di.unimi.it.
"""

import math

import numpy as np
from numba import njit

_U5 = np.uint64(5)
_U7 = np.uint64(7)
_U9 = np.uint64(9)
_U11 = np.uint64(11)
_U17 = np.uint64(17)
_U45 = np.uint64(45)
_U57 = np.uint64(57)
_U64_7 = np.uint64(64 - 7)
_U64_45 = np.uint64(64 - 45)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@njit(inline="always")
def _next_u64(s):
    """Advance ``s`` (uint64[4]) in place and return the next 64-bit output."""
    s1 = s[1]
    x = s1 * _U5
    result = ((x << _U7) | (x >> _U64_7)) * _U9
    t = s1 << _U17
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = (s[3] << _U45) | (s[3] >> _U64_45)
    return result


@njit(inline="always")
def _uniform(s):
    """A double in [0, 1) with 53 random bits."""
    return float(_next_u64(s) >> _U11) * _TO_UNIT


@njit(inline="always")
def _exponential(s):
    """Standard exponential draw by inversion (1 - u lies in (0, 1])."""
    return -math.log(1.0 - _uniform(s))


@njit(inline="always")
def _normal(s):
    """Standard normal draw (Box-Muller, one value per pair of uniforms)."""
    u1 = 1.0 - _uniform(s)
    u2 = _uniform(s)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def seed_state(seed_sequence: np.random.SeedSequence) -> np.ndarray:
    """Four uint64 words of xoshiro state from a SeedSequence (never all zero)."""
    state = seed_sequence.generate_state(4, np.uint64)
    if not state.any():  # the one forbidden state; probability 2**-256
        state[0] = np.uint64(0x9E3779B97F4A7C15)
    return state


# ---- counter-based draws -------------------------------------------------
# A draw for edge ``e`` is a pure function of (key, e): the SplitMix64 output
# at position ``e`` of the stream seeded by ``key`` (G. Steele, D. Lea and
# C. Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014).
# The cascade can then draw an edge's delay at the moment it relaxes the edge,
# in any order, without storing a delay array, and runs with the same keys
# still share every edge's draw (coupling across p, thresholds, windows).

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_U27 = np.uint64(27)
_U30 = np.uint64(30)
_U31 = np.uint64(31)


@njit(inline="always")
def _hash_u64(key, counter):
    """SplitMix64 output number ``counter`` of the stream seeded by ``key``."""
    z = key + (np.uint64(counter) + np.uint64(1)) * _GAMMA
    z = (z ^ (z >> _U30)) * _M1
    z = (z ^ (z >> _U27)) * _M2
    return z ^ (z >> _U31)


@njit(inline="always")
def _hash_uniform(key, counter):
    """A double in [0, 1) from (key, counter)."""
    return float(_hash_u64(key, counter) >> _U11) * _TO_UNIT


# ---- exponential draws by the ziggurat --------------------------------------
# Marsaglia & Tsang (2000), "The ziggurat method for generating random
# variables", J. Stat. Softw. 5(8): 256 layers of equal area under exp(-x);
# a draw takes its layer from 8 bits of one hash and a 53-bit abscissa from
# the others, and is accepted with a single comparison 98.9 % of the time.
# Only the wedges and the tail (x > R) need exp/log and further draws, which
# come from a second counter-based stream, so a draw is still a pure
# function of (key, counter). Against -log(1 - u) it saves the logarithm
# that dominated the cost of a drawn cascade.

_ZIG_R = 7.69711747013104972  # start of the tail
_ZIG_V = 3.949659822581572e-3  # area of each layer


def _ziggurat_tables():
    """(ke, we, fe) for 53-bit abscissas: the layer-edge ratios, widths and heights."""
    m = float(2**53)
    ke = np.zeros(256, dtype=np.uint64)
    we = np.zeros(256)
    fe = np.zeros(256)
    de = te = _ZIG_R
    q = _ZIG_V / np.exp(-de)
    ke[0] = np.uint64((de / q) * m)
    we[0] = q / m
    we[255] = de / m
    fe[0] = 1.0
    fe[255] = np.exp(-de)
    for i in range(254, 0, -1):
        de = -np.log(_ZIG_V / de + np.exp(-de))
        ke[i + 1] = np.uint64((de / te) * m)
        te = de
        fe[i] = np.exp(-de)
        we[i] = de / m
    return ke, we, fe


_ZIG_KE, _ZIG_WE, _ZIG_FE = _ziggurat_tables()
_SALT = np.uint64(0xD1B54A32D192ED03)
_U8 = np.uint64(8)
_U255 = np.uint64(255)


@njit(inline="always")
def _hash_exponential(key, counter):
    """An Exp(1) draw from (key, counter): at most R - log(2**-53) = 44.5."""
    h = _hash_u64(key, counter)
    idx = np.int64(h & _U255)
    ri = h >> _U11
    if ri < _ZIG_KE[idx]:
        return float(ri) * _ZIG_WE[idx]
    return _exponential_slow(key, counter, h)


@njit
def _exponential_slow(key, counter, h):
    """The rare branch: the tail beyond R, or a wedge test; retries redraw."""
    extra = key ^ _SALT
    base = np.uint64(counter) * np.uint64(64)
    k = np.uint64(0)
    while True:
        idx = np.int64(h & _U255)
        ri = h >> _U11
        x = float(ri) * _ZIG_WE[idx]
        if ri < _ZIG_KE[idx]:
            return x
        u = _hash_uniform(extra, base + k)
        k += np.uint64(1)
        if idx == 0:
            return _ZIG_R - np.log(1.0 - u)
        if (_ZIG_FE[idx - 1] - _ZIG_FE[idx]) * u + _ZIG_FE[idx] < np.exp(-x):
            return x
        h = _hash_u64(extra, base + k)
        k += np.uint64(1)
