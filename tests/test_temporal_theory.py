"""Calibration and null models against theory, on contacts that are Poisson processes.

When every pair's contacts really are a Poisson process, the static model of
``Contacts.to_organisation()`` (exponential waits with the pair's mean gap)
is exact, and shuffling the times changes nothing in law: what
``calibrate`` and ``against_nulls`` report must then say so.
"""

from __future__ import annotations

import numpy as np

import swarm


def _poisson_contacts(pairs, rate: float, span: float, seed: int) -> swarm.Contacts:
    """Each directed pair in touch at the times of a Poisson process of ``rate`` per hour."""
    rng = np.random.default_rng(seed)
    src, dst, time = [], [], []
    for u, v in pairs:
        k = rng.poisson(rate * span)
        src += [u] * k
        dst += [v] * k
        time += rng.uniform(0.0, span, size=k).tolist()
    return swarm.Contacts(src, dst, time, name="poisson")


def test_static_model_is_exact_on_poisson_contacts():
    """A chain 0 -> 1 -> 2, one contact per hour on each link, 200 start times.

    The replayed t50 (the second person to know: person 1) is the wait for
    the next 0 -> 1 contact, Exp(1) by memorylessness, and the static model
    predicts Exp(1) (mean gap 1 hour, up to the sampling error of the count,
    about 1/sqrt(4000) = 1.6 %). So about 90 % of replays fall in the
    model's 5-95 % band (binomial sd over 200 starts: 0.021; we allow 0.1),
    the median ratio of replayed to predicted t50 is near 1 (the sample
    median of 200 Exp(1) draws has sd 1/sqrt(200) = 0.07 around ln 2; as a
    ratio to ln 2 about 0.1; we allow 0.35), and both reach everyone.
    """
    c = _poisson_contacts([(0, 1), (1, 2)], rate=1.0, span=4000.0, seed=1)
    cal = swarm.temporal.calibrate(c, origins=[0], starts=200, runs=2000, seed=2)
    s = cal.summary().iloc[0]
    assert abs(s["t50_in_band"] - 0.9) < 0.1
    assert abs(s["t90_in_band"] - 0.9) < 0.1
    assert abs(s["t50_ratio"] - 1.0) < 0.35
    assert s["reach_predicted"] == 1.0 and s["reach_replayed"] == 1.0
    # t90 is the arrival at 2: a sum of two Exp(1) waits, mean 2 hours
    assert abs(cal.table["t90_replayed"].mean() - 2.0) < 0.4  # sd of the mean: sqrt(2/200)


def test_shuffled_times_change_nothing_on_poisson_contacts():
    """Random directed graph of 40 people, Poisson contacts: real and time-shuffled spread alike.

    Shuffling the times of a stationary Poisson sequence gives again
    independent uniform times with the same counts, so the mean curves
    differ only by sampling noise (averaged over 40 origins x 4 starts x 3
    draws); a slowdown outside [0.8, 1.25] would mean the shuffle changed
    the law. The bursty real data sets give 1.3 to 2.1 (docs/guide/replay.md).
    """
    rng = np.random.default_rng(5)
    n = 40
    pairs = {(int(u), int(v)) for u, v in rng.integers(0, n, size=(200, 2)) if u != v}
    pairs |= {(k, (k + 1) % n) for k in range(n)}  # a ring, so everyone can be reached
    c = _poisson_contacts(sorted(pairs), rate=0.02, span=3000.0, seed=6)
    table, _ = swarm.temporal.against_nulls(
        c, starts=4, realisations=3, nulls=["times shuffled"], seed=7
    )
    for level in ("t10", "t25", "t50"):
        assert 0.8 < table.loc["times shuffled", f"slowdown_{level}"] < 1.25, table


def test_analyses_name_bad_arguments():
    import pytest

    c = swarm.Contacts([0, 1], [1, 2], [0.0, 1.0])
    with pytest.raises(TypeError, match="contacts must be swarm.Contacts"):
        swarm.temporal.calibrate(swarm.hierarchy(5))
    with pytest.raises(ValueError, match="runs"):
        swarm.temporal.calibrate(c, runs=0)
    with pytest.raises(ValueError, match="nulls must name"):
        swarm.temporal.against_nulls(c, nulls=["reversed"])
    with pytest.raises(ValueError, match="starts"):
        swarm.temporal.against_nulls(c, starts=0)


def test_calibration_table_and_scatter(tmp_path):
    c = swarm.datasets.email_eu_core_temporal(time_unit="days")
    cal = swarm.temporal.calibrate(c, origins=4, starts=3, runs=10, seed=1)
    assert len(cal.table) == 12 and cal.unit == "days"
    assert {
        "origin",
        "start",
        "t50_predicted",
        "t50_lo",
        "t50_hi",
        "t50_replayed",
        "reach_predicted",
        "reach_replayed",
    } <= set(cal.table.columns)
    assert (cal.table["t50_lo"] <= cal.table["t50_hi"]).all()
    fig = cal.plot(tmp_path / "cal.png")
    assert len(fig.axes) == 2 and (tmp_path / "cal.png").stat().st_size > 0
