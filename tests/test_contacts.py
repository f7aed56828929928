"""Contacts: reading real exports, the static network, and null models that keep what they
should."""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import swarm


@st.composite
def contact_sets(draw):
    n = draw(st.integers(2, 7))
    m = draw(st.integers(2, 30))
    person = st.integers(0, n - 1)
    pairs = draw(
        st.lists(
            st.tuples(person, person).filter(lambda uv: uv[0] != uv[1]), min_size=m, max_size=m
        )
    )
    times = draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=m, max_size=m))
    directed = draw(st.booleans())
    return swarm.Contacts(
        [a for a, _ in pairs],
        [b for _, b in pairs],
        times,
        ids=np.arange(n),
        directed=directed,
        duration=draw(st.lists(st.floats(0, 5), min_size=m, max_size=m)),
    )


def _pairs(c):
    return Counter(
        zip(c.pair_counts()["source"], c.pair_counts()["target"], c.pair_counts()["count"])
    )


def _timelines(c):
    """The multiset of per-pair sorted time sequences."""
    key = c._pair_key()
    return Counter(tuple(sorted(c.time[key == k].tolist())) for k in np.unique(key))


@settings(max_examples=100, deadline=None)
@given(c=contact_sets(), seed=st.integers(0, 2**32 - 1))
def test_shuffled_times_keep_the_count_per_pair_and_the_set_of_times(c, seed):
    s = c.shuffle_times(seed=seed)
    assert _pairs(s) == _pairs(c)
    assert sorted(s.time.tolist()) == sorted(c.time.tolist())
    assert np.all(np.diff(s.time) >= 0)


@settings(max_examples=100, deadline=None)
@given(c=contact_sets(), seed=st.integers(0, 2**32 - 1))
def test_uniform_times_keep_the_count_per_pair_and_the_span(c, seed):
    u = c.uniform_times(seed=seed)
    assert _pairs(u) == _pairs(c)
    assert (u.time[0], u.time[-1]) == (c.time[0], c.time[-1])
    assert u.span == c.span and len(u) == len(c)


@settings(max_examples=100, deadline=None)
@given(c=contact_sets(), seed=st.integers(0, 2**32 - 1))
def test_shuffled_pairs_keep_the_network_the_times_and_every_sequence(c, seed):
    s = c.shuffle_pairs(seed=seed)
    pc, ps = c.pair_counts(), s.pair_counts()
    assert set(zip(pc.source, pc.target)) == set(zip(ps.source, ps.target))
    assert sorted(s.time.tolist()) == sorted(c.time.tolist())
    assert _timelines(s) == _timelines(c)
    assert sorted(ps["count"]) == sorted(pc["count"])


def test_null_models_are_random_and_reproducible():
    c = swarm.datasets.email_eu_core_temporal()
    for null in ("shuffle_times", "uniform_times", "shuffle_pairs"):
        a = getattr(c, null)(seed=1)
        b = getattr(c, null)(seed=1)
        other = getattr(c, null)(seed=2)
        np.testing.assert_array_equal(a.time, b.time)
        np.testing.assert_array_equal(a.source, b.source)
        assert not (np.array_equal(a.source, other.source) and np.array_equal(a.time, other.time))
        assert not (np.array_equal(a.source, c.source) and np.array_equal(a.time, c.time))
        assert a.n == c.n and len(a) == len(c) and "(" in a.name


def test_uniform_times_are_uniform():
    """The times of the uniform null fill the span evenly: 10 bins of 8,300 contacts each.

    Chi-square with 9 degrees of freedom: 27.9 is its 99.9 % quantile.
    """
    c = swarm.datasets.email_eu_core_temporal()
    u = c.uniform_times(seed=3)
    counts, _ = np.histogram(u.time, bins=10, range=(u.time[0], u.time[-1]))
    expected = len(u) / 10
    assert ((counts - expected) ** 2 / expected).sum() < 27.9


def test_reads_an_export_with_dates_time_zones_duplicates_and_self_contacts(tmp_path):
    path = tmp_path / "chat.csv"
    pd.DataFrame(
        {
            "From": ["007", "12", "12", "12", "7.0", "ann"],
            "To": ["12", "ann", "ann", "12", "ann", "12"],
            "Sent": [
                "2024-03-31 01:30+01:00",
                "2024-03-31 03:30+02:00",
                "2024-03-31 03:30+02:00",
                "2024-03-31 04:00+02:00",
                "2024-03-31 05:00+02:00",
                "2024-03-31 06:00+02:00",
            ],
        }
    ).to_csv(path, index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        c = swarm.contacts(path, source="From", target="To", time="Sent")
    assert len(caught) == 1
    assert "1 self-contact" in str(caught[0].message)
    assert "1 duplicate row" in str(caught[0].message)
    # ids are kept as the export writes them (issue 12): "007" and "7.0" are two people
    assert set(c.ids.tolist()) == {"007", "12", "7.0", "ann"}
    # 01:30 +01:00 and 03:30 +02:00 are one hour apart (the clocks changed in between)
    assert c.time.tolist() == [0.0, 1.0, 2.5, 3.5]
    assert c.epoch == pd.Timestamp("2024-03-31 00:30", tz="UTC")


def test_reads_naive_dates_datetime_columns_and_numbers():
    naive = pd.DataFrame(
        {"source": [1, 2], "target": [2, 3], "time": ["2024-01-01 10:00", "2024-01-02 10:00"]}
    )
    c = swarm.contacts(naive, time_unit="days")
    assert c.time.tolist() == [0.0, 1.0] and c.epoch == pd.Timestamp("2024-01-01 10:00")
    typed = naive.assign(time=pd.to_datetime(naive["time"]))
    assert swarm.contacts(typed, time_unit="days").time.tolist() == [0.0, 1.0]
    secs = pd.DataFrame({"source": [1, 2], "target": [2, 3], "time": [7200, 3600]})
    c = swarm.contacts(secs)
    assert c.time.tolist() == [0.0, 1.0] and c.source.tolist() == [1, 0]
    assert c.epoch == 3600.0


def test_undirected_duplicates_count_both_ways():
    table = pd.DataFrame({"source": ["a", "b"], "target": ["b", "a"], "time": [5, 5]})
    with pytest.warns(UserWarning, match="1 duplicate"):
        c = swarm.contacts(table, directed=False)
    assert len(c) == 1
    assert len(swarm.contacts(table, directed=True)) == 2


def test_round_trip_through_the_table():
    c = swarm.datasets.email_eu_core_temporal()
    back = swarm.contacts(c.to_table(), time="timestamp", name=c.name, duplicates="keep")
    np.testing.assert_array_equal(back.ids, c.ids)
    np.testing.assert_array_equal(back.source, c.source)
    np.testing.assert_allclose(back.time, c.time, rtol=0, atol=1e-9)
    assert back.epoch == c.epoch
    # dates; CollegeMsg as shipped has 37 messages repeated in the same second
    college = swarm.datasets.college_msg()
    with pytest.warns(UserWarning, match="37 duplicate rows"):
        back = swarm.contacts(college.to_table(), time="timestamp")
    assert len(back) == len(college) - 37 and back.epoch == college.epoch
    np.testing.assert_array_equal(back.ids, college.ids)
    kept = swarm.contacts(college.to_table(), time="timestamp", duplicates="keep")
    np.testing.assert_array_equal(kept.target, college.target)


def test_static_network_is_from_edges_of_the_same_contacts():
    c = swarm.datasets.email_eu_core_temporal()
    org = c.to_organisation()
    table = c.to_table()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = swarm.from_edges(table, timestamp="timestamp", latency="rate")
    assert org.n == c.n == direct.n and org.n_edges == 11685
    np.testing.assert_array_equal(org.ids, direct.ids)
    assert abs(org.watch - direct.watch).max() < 1e-9
    # a pair's scale is the span over its count: hours between contacts on average
    counts = c.pair_counts()
    u, v, k = counts.iloc[0]
    assert org.watch[v, u] == pytest.approx(c.span / k)
    assert c.to_organisation(latency=None).watch.data.tolist() == [1.0] * 11685


def test_constructor_checks_its_arrays():
    with pytest.raises(ValueError, match="one length"):
        swarm.Contacts([0, 1], [1], [0.0, 1.0])
    with pytest.raises(ValueError, match="themselves"):
        swarm.Contacts([0], [0], [0.0])
    with pytest.raises(ValueError, match="index the 2 people"):
        swarm.Contacts([0], [2], [0.0], ids=["a", "b"])
    with pytest.raises(ValueError, match="finite"):
        swarm.Contacts([0], [1], [np.nan])
    with pytest.raises(TypeError, match="integer indices"):
        swarm.Contacts(["a"], ["b"], [0.0])
    with pytest.raises(ValueError, match="time_unit"):
        swarm.Contacts([0], [1], [0.0], time_unit="fortnights")
    with pytest.raises(ValueError, match="at least one contact"):
        swarm.Contacts([], [], [])


def test_builder_names_what_is_wrong():
    ok = pd.DataFrame({"source": [1], "target": [2], "time": [0]})
    with pytest.raises(ValueError, match="no column 'when'"):
        swarm.contacts(ok, time="when")
    with pytest.raises(ValueError, match="neither numbers"):
        swarm.contacts(ok.assign(time=["not a date"]))
    with pytest.raises(ValueError, match="blank"):
        swarm.contacts(ok.assign(source=[""]))
    with pytest.raises(ValueError, match="no contacts between two different"):
        swarm.contacts(ok.assign(target=[1]))
    with pytest.raises(ValueError, match="duration"):
        swarm.contacts(ok.assign(d=[-1]), duration="d")
    with pytest.raises(TypeError, match="directed"):
        swarm.contacts(ok, directed="yes")


def test_shipped_data_sets():
    email = swarm.datasets.email_eu_core_temporal()
    assert (len(email), email.n, len(email.pair_counts())) == (83083, 816, 11685)
    assert email.span / 24 == pytest.approx(150.3, abs=0.05)
    college = swarm.datasets.college_msg()
    assert (len(college), college.n, len(college.pair_counts())) == (59835, 1899, 20296)
    assert 193 < college.span / 24 < 195
    days = swarm.datasets.college_msg(time_unit="days")
    assert days.span == pytest.approx(college.span / 24)


def test_durations_survive_the_round_trip_and_the_null_models():
    table = pd.DataFrame(
        {"source": [1, 2, 1], "target": [2, 3, 3], "time": [0, 3600, 7200], "secs": [60, 0, 1800]}
    )
    c = swarm.contacts(table, duration="secs", time_unit="minutes")
    assert c.duration.tolist() == [1.0, 0.0, 30.0]
    back = swarm.contacts(c.to_table(), time="timestamp", duration="duration", time_unit="minutes")
    assert back.duration.tolist() == [1.0, 0.0, 30.0]
    assert sorted(c.shuffle_times(seed=1).duration.tolist()) == [0.0, 1.0, 30.0]


def test_from_edges_reads_the_dates_of_to_table():
    """to_table gives dates when the epoch is a date; from_edges must read them as dates.

    A pandas datetime column once came through as its ticks (microseconds)
    taken for seconds, so latency='rate' scales were a million times too long.
    """
    c = swarm.datasets.college_msg()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        org = swarm.from_edges(c.to_table(), timestamp="timestamp", latency="rate")
    assert abs(org.watch - c.to_organisation().watch).max() < 1e-6
