"""replay: earliest arrival along time-respecting paths, checked against three references."""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import swarm
from swarm._kernels.replay import _replay_each, _replay_runs
from swarm._kernels.rng import _hash_uniform
from swarm.temporal.replay import EachPerson, ReplayResult

from .reference import (
    brute_force_reach,
    earliest_arrival,
    splitmix_uniform,
    time_expanded_arrival,
)


@st.composite
def contact_sequences(draw, *, distinct: bool = False, max_people: int = 6, max_contacts: int = 14):
    """(n, src, dst, time): times from a few values (many ties) or all distinct."""
    n = draw(st.integers(2, max_people))
    m = draw(st.integers(1, max_contacts))
    person = st.integers(0, n - 1)
    pairs = draw(
        st.lists(
            st.tuples(person, person).filter(lambda uv: uv[0] != uv[1]), min_size=m, max_size=m
        )
    )
    if distinct:
        times = draw(st.lists(st.integers(0, 40), min_size=m, max_size=m, unique=True))
    else:
        times = draw(st.lists(st.integers(0, 5), min_size=m, max_size=m))
    order = np.argsort(times, kind="stable")
    src = np.array([pairs[k][0] for k in order], dtype=np.int64)
    dst = np.array([pairs[k][1] for k in order], dtype=np.int64)
    return n, src, dst, np.array(sorted(times), dtype=np.float64)


def _kernel(src, dst, time, n, origins, starts, delay, p, keys, directed):
    """Run the kernel directly: one run per (origins row, start, key)."""
    origins = np.ascontiguousarray(origins, dtype=np.int64)
    starts = np.asarray(starts, dtype=np.float64)
    keys = np.asarray(keys, dtype=np.uint64)
    firsts = np.searchsorted(time, starts, side="left").astype(np.int64)
    times = np.empty((len(keys), n))
    informed = np.empty((len(keys), n), dtype=np.int32)
    _replay_runs(
        src,
        dst,
        time,
        not directed,
        float(delay),
        float(p),
        keys,
        origins,
        starts,
        firsts,
        times,
        informed,
    )
    return times, informed


def _check_informers(src, dst, time, arr, informed, origins, delay, p, key, directed):
    """Every informer is real: a passing contact at the arrival time from someone who knew."""
    for v, u in enumerate(informed.tolist()):
        if v in origins or not math.isfinite(arr[v]):
            assert u == -1
            continue
        ok = False
        for c in range(len(time)):
            ends = {(src[c], dst[c])} if directed else {(src[c], dst[c]), (dst[c], src[c])}
            if (
                (u, v) in ends
                and time[c] == arr[v]
                and arr[u] <= time[c] - delay
                and (p >= 1 or splitmix_uniform(key, c) < p)
            ):
                ok = True
        assert ok, (v, u)


@settings(max_examples=200, deadline=None)
@given(
    seq=contact_sequences(),
    delay=st.sampled_from([0.0, 0.5, 1.0, 2.0]),
    p=st.sampled_from([1.0, 0.7, 0.3]),
    directed=st.booleans(),
    key=st.integers(0, 2**64 - 1),
    data=st.data(),
)
def test_kernel_equals_pure_python_fixed_point(seq, delay, p, directed, key, data):
    """Ties, zero and positive delay, p < 1 with one shared draw per contact, several starts."""
    n, src, dst, time = seq
    size = data.draw(st.integers(1, min(2, n)))
    origins = data.draw(st.lists(st.integers(0, n - 1), min_size=size, max_size=size, unique=True))
    starts = data.draw(st.lists(st.sampled_from([0.0, 1.0, 2.5, 4.0]), min_size=1, max_size=3))
    times, informed = _kernel(
        src, dst, time, n, [origins] * len(starts), starts, delay, p, [key] * len(starts), directed
    )
    for r, s in enumerate(starts):
        want = earliest_arrival(
            src.tolist(), dst.tolist(), time.tolist(), n, origins, s, delay, p, key, directed
        )
        np.testing.assert_array_equal(times[r], want - s)
        _check_informers(
            src.tolist(),
            dst.tolist(),
            time.tolist(),
            want,
            informed[r],
            origins,
            delay,
            p,
            key,
            directed,
        )


@settings(max_examples=150, deadline=None)
@given(seq=contact_sequences(distinct=True, max_contacts=10), data=st.data())
def test_reachability_equals_brute_force_paths(seq, data):
    """Distinct times, no delay: reached exactly when some time-respecting path exists."""
    n, src, dst, time = seq
    origin = data.draw(st.integers(0, n - 1))
    start = data.draw(st.sampled_from([0.0, 10.0, float(time[len(time) // 2])]))
    res = swarm.replay(
        swarm.Contacts(src, dst, time, ids=np.arange(n)), swarm.Shock([origin]), start=start
    )
    reached = set(np.flatnonzero(np.isfinite(res.arrival_times[0])).tolist())
    assert reached == brute_force_reach(src.tolist(), dst.tolist(), time.tolist(), n, origin, start)


@settings(max_examples=150, deadline=None)
@given(seq=contact_sequences(), data=st.data())
def test_arrival_equals_time_expanded_graph(seq, data):
    """An independent implementation (scipy BFS on a time-expanded graph) agrees, ties included."""
    n, src, dst, time = seq
    origin = data.draw(st.integers(0, n - 1))
    start = data.draw(st.sampled_from([0.0, 1.0, 3.0]))
    got, _ = _kernel(src, dst, time, n, [[origin]], [start], 0.0, 1.0, [0], True)
    want = time_expanded_arrival(src.tolist(), dst.tolist(), time.tolist(), n, origin, start)
    np.testing.assert_array_equal(got[0], want - start)


@settings(max_examples=150, deadline=None)
@given(
    seq=contact_sequences(max_people=9, max_contacts=20),
    p=st.sampled_from([1.0, 0.6]),
    directed=st.booleans(),
    key=st.integers(0, 2**64 - 1),
    start=st.sampled_from([0.0, 2.0]),
)
def test_every_origin_at_once_equals_one_run_per_origin(seq, p, directed, key, start):
    """The bitset path of shock='each' gives the per-origin kernel's times and informers."""
    n, src, dst, time = seq
    per_t, per_i = _kernel(
        src, dst, time, n, np.arange(n)[:, None], [start] * n, 0.0, p, [key] * n, directed
    )
    times = np.empty((n, n))
    informed = np.empty((n, n), dtype=np.int32)
    _replay_each(
        src,
        dst,
        time,
        not directed,
        p,
        np.uint64(key),
        start,
        int(np.searchsorted(time, start)),
        times,
        informed,
    )
    np.testing.assert_array_equal(times, per_t)
    np.testing.assert_array_equal(informed, per_i)


def test_bitsets_cross_a_word_boundary():
    """130 people (three words of origins): a chain passes the news across all of them."""
    n = 130
    src = np.arange(n - 1)
    dst = np.arange(1, n)
    c = swarm.Contacts(
        np.r_[src, dst], np.r_[dst, src], np.r_[np.arange(n - 1.0), np.arange(n, 2 * n - 1.0)]
    )
    each = swarm.replay(c, "each", start=0.0).arrival_times
    for o in (0, 63, 64, 65, 129):
        one = swarm.replay(c, swarm.Shock([o]), start=0.0).arrival_times[0]
        np.testing.assert_array_equal(each[o], one)


def test_the_hash_matches_its_pure_python_copy():
    for key, counter in [(0, 0), (1, 5), (2**64 - 1, 123456), (987654321, 2**31)]:
        assert _hash_uniform(np.uint64(key), counter) == splitmix_uniform(key, counter)


def test_pass_probability_matches_theory():
    """A contact passes with probability p: reach along a two-contact chain is p and p^2.

    3,000 runs, p = 0.6: the standard error of a fraction is at most
    sqrt(0.25 / 3000) = 0.009, so 0.04 is over four standard errors.
    """
    c = swarm.Contacts([0, 1], [1, 2], [1.0, 2.0])
    res = swarm.replay(c, swarm.Shock([0]), p=0.6, start=0.0, runs=3000, seed=11)
    reached = np.isfinite(res.arrival_times).mean(axis=0)
    assert reached[0] == 1.0
    assert abs(reached[1] - 0.6) < 0.04
    assert abs(reached[2] - 0.36) < 0.04


def test_bit_identical_for_any_thread_count():
    c = swarm.datasets.email_eu_core_temporal()
    kw = {"p": 0.5, "start": [0.0, 500.0], "runs": 24, "seed": 5}
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = swarm.replay(c, swarm.Shock("random"), **kw)
        one_each = swarm.replay(c, "each", p=0.5, start=10.0, seed=5)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        many = swarm.replay(c, swarm.Shock("random"), **kw)
        many_each = swarm.replay(c, "each", p=0.5, start=10.0, seed=5)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one.arrival_times, many.arrival_times)
    np.testing.assert_array_equal(one.informed_by, many.informed_by)
    np.testing.assert_array_equal(one_each.arrival_times, many_each.arrival_times)


def test_real_data_against_the_time_expanded_graph():
    """Both data sets, a few origins at one start: the kernel equals scipy's BFS answer."""
    for c in (swarm.datasets.email_eu_core_temporal(), swarm.datasets.college_msg()):
        start = float(c.time[len(c) // 3])
        each = swarm.replay(c, "each", start=start)
        src, dst, time = c.source.tolist(), c.target.tolist(), c.time.tolist()
        for o in (0, c.n // 2, c.n - 1):
            want = time_expanded_arrival(src, dst, time, c.n, o, start)
            np.testing.assert_array_equal(each.arrival_times[o], want - start)


def test_result_works_like_any_simulation():
    c = swarm.Contacts(
        [0, 1, 1, 2, 3],
        [1, 2, 3, 3, 0],
        [1.0, 2.0, 3.0, 4.0, 5.0],
        ids=["ann", "bob", "cy", "dee"],
        name="chat",
    )
    res = swarm.replay(c, "each", start=0.0)
    assert isinstance(res, ReplayResult) and isinstance(res, swarm.Result)
    assert isinstance(res.shock, EachPerson)
    assert repr(res).startswith("Result('chat': 4 runs x 4 agents")
    assert res.arrival_times.shape == (4, 4) and res.origins[:, 0].tolist() == [0, 1, 2, 3]
    assert res.metrics().shape[0] == 4
    assert res.summary().index.tolist() == ["chat"]
    assert res.curve()["mean"].iloc[-1] > 0
    assert "chat" in res.report()
    top = res.messengers()
    assert top["id"].iloc[0] == "bob"  # bob tells cy and dee from every origin that reaches him
    assert res.informed_by.dtype == np.int32  # int32 halves the memory of long replays
    np.testing.assert_array_equal(res.start, np.zeros(4))
    with pytest.raises(ValueError, match="departments"):
        res.by_department()
    assert "replay of chat" in res.model.describe()
    cmp = swarm.Comparison(
        {"real": res, "shuffled": swarm.replay(c.shuffle_times(seed=1), "each", start=0.0)}
    )
    assert list(cmp.summary().index) == ["real", "shuffled"]


def test_several_starts_and_runs_are_laid_out_start_by_start():
    c = swarm.Contacts([0, 1, 0], [1, 2, 2], [1.0, 2.0, 3.0])
    res = swarm.replay(c, swarm.Shock("random"), start=[0.0, 2.5], runs=3, seed=1)
    assert res.arrival_times.shape == (6, 3)
    np.testing.assert_array_equal(res.start, [0.0] * 3 + [2.5] * 3)
    np.testing.assert_array_equal(res.origins[:3], res.origins[3:])  # same origins per start
    for row, (o,) in enumerate(res.origins.tolist()):
        want = earliest_arrival([0, 1, 0], [1, 2, 2], [1.0, 2.0, 3.0], 3, [o], res.start[row])
        np.testing.assert_array_equal(res.arrival_times[row], want - res.start[row])
    each = swarm.replay(c, "each", start=[0.0, 1.5], runs=2, p=0.5, seed=2)
    assert each.arrival_times.shape == (12, 3)
    assert each.origins[:, 0].tolist() == [0, 1, 2] * 4


def test_start_as_a_date():
    c = swarm.datasets.college_msg()
    by_date = swarm.replay(c, swarm.Shock([c.ids[0]]), start="2004-05-01")
    hours = (
        np.datetime64("2004-05-01") - np.datetime64(c.epoch.tz_localize(None))
    ) / np.timedelta64(1, "h")
    by_number = swarm.replay(c, swarm.Shock([c.ids[0]]), start=float(hours))
    np.testing.assert_array_equal(by_date.arrival_times, by_number.arrival_times)
    assert by_date.start[0] == pytest.approx(hours)


def test_delay_per_hop():
    """A chain with one contact per hour: with delay d news skips contacts it is too early for."""
    c = swarm.Contacts([0, 1, 2], [1, 2, 3], [1.0, 2.0, 3.0])
    assert swarm.replay(c, swarm.Shock([0]), start=0.0, delay=1.0).arrival_times.tolist() == [
        [0.0, 1.0, 2.0, 3.0]
    ]
    assert swarm.replay(c, swarm.Shock([0]), start=0.0, delay=1.5).arrival_times.tolist() == [
        [0.0, math.inf, math.inf, math.inf]
    ]
    # knowing at the start is too late for a contact at the start when there is a delay
    assert swarm.replay(c, swarm.Shock([0]), start=1.0, delay=0.5).arrival_times.tolist() == [
        [0.0, math.inf, math.inf, math.inf]
    ]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"delay": -1.0}, ValueError, "delay"),
        ({"p": 1.5}, ValueError, "p must"),
        ({"runs": 0}, ValueError, "runs"),
        ({"start": "tomorrow"}, TypeError, "start must be a number"),
        ({"start": []}, ValueError, "start"),
        ({"shock": "everyone"}, TypeError, "shock must be"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    c = swarm.Contacts([0], [1], [0.0])
    with pytest.raises(error, match=match):
        swarm.replay(c, **kwargs)


def test_contacts_must_be_contacts():
    with pytest.raises(TypeError, match="contacts must be swarm.Contacts"):
        swarm.replay(swarm.hierarchy(10))


def test_replay_is_a_model_of_the_shared_runner():
    """simulate(static network, Replay(contacts), shock) is replay(contacts, shock), bit for bit."""
    from swarm.temporal import Replay

    c = swarm.datasets.email_eu_core_temporal()
    org = c.to_organisation()
    model = Replay(c, p=0.7, delay=1.0, start=[0.0, 100.0])
    via_simulate = swarm.simulate(
        org, model, swarm.Shock("random", size=2), runs=5, seed=9, record="tree"
    )
    direct = swarm.replay(
        c, swarm.Shock("random", size=2), p=0.7, delay=1.0, start=[0.0, 100.0], runs=5, seed=9
    )
    np.testing.assert_array_equal(via_simulate.arrival_times, direct.arrival_times)
    np.testing.assert_array_equal(via_simulate.informed_by, direct.informed_by)
    assert swarm.simulate(org, model, runs=2, seed=1).informed_by is None
    with pytest.raises(ValueError, match="order of contacts.ids"):
        swarm.simulate(swarm.hierarchy(10), model)
