"""Plain-language reports and the robustness table, checked against the numbers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import swarm
from swarm.results import metrics
from swarm.results.report import number

from .reference import per_run_ref, time_to_fraction_ref


def test_number_rounding():
    assert [number(x) for x in (0, 0.0449, 3.14159, 36.66, 123.4, 12345.6, np.inf)] == [
        "0.0",
        "0.045",
        "3.1",
        "36.7",
        "123",
        "12,346",
        "never",
    ]


def test_result_report_says_what_the_tables_say():
    org = swarm.hierarchy(400)
    res = swarm.simulate(
        org, swarm.Cascade(swarm.Exponential(1.0)), swarm.Shock("random"), runs=30, seed=2
    )
    text = res.report()
    s = res.summary().iloc[0]
    for key in ("t50", "t90"):
        assert f"{number(s[key])} hours" in text, key
    assert f"{number(s['t90_lo'])} to {number(s['t90_hi'])} hours in 90 % of runs" in text
    assert "30 simulated runs on hierarchy (400 people)" in text
    assert "Everyone was reached in every run." in text
    levels = res.by_level()
    last = int(levels["t90"].idxmax())
    assert f"level {last}" in text and f"{number(levels.loc[last, 't90'])} hours" in text


def test_result_report_with_people_away_and_partial_reach():
    org = swarm.remove(swarm.hierarchy(57), [1])
    res = swarm.simulate(
        org, swarm.Cascade(swarm.Constant(1.0)), swarm.Shock("top"), runs=2, seed=1
    )
    text = res.report()
    # 49 of the 56 present are reached; 90 % never is
    assert "(56 people, 1 away)" in text
    assert "half of the staff had turned after 2.0 hours" in text
    assert "90 % were never reached" in text
    assert "On average 88 % of the staff were reached" in text
    # the orphaned team sits on level 2, the least reached level
    assert "The front line (level 2) was reached least: 86 % of its people" in text


def test_report_names_the_slowest_department_without_levels():
    org = swarm.networked(300, seed=2, departments=3)
    res = swarm.simulate(
        org, swarm.Cascade(swarm.Exponential(1.0)), swarm.Shock("dept 1"), runs=20, seed=1
    )
    dep = res.by_department()
    worst = dep["t90"].idxmax()
    assert (
        f"{worst[0].upper() + worst[1:]} was last: 90 % of its people had turned after "
        f"{number(dep.loc[worst, 't90'])} hours." in res.report()
    )


def test_comparison_report_ratios():
    org = swarm.hierarchy(500)
    cmp = swarm.compare(
        {"as is": org, "60 % on the network": swarm.adopt(org, 0.6, seed=1)},
        swarm.Cascade(swarm.Exponential(1.0)),
        runs=20,
        seed=4,
    )
    s = cmp.summary()
    text = cmp.report()
    fast, slow = s["t90"].idxmin(), s["t90"].idxmax()
    assert text.startswith(
        f"{fast[0].upper() + fast[1:]} was fastest: 90 % of the staff had "
        f"turned after {number(s.loc[fast, 't90'])} hours."
    )
    assert (
        f"{slow[0].upper() + slow[1:]} took {number(s.loc[slow, 't90'])} hours, "
        f"{s.loc[slow, 't90_ratio']:.1f} times as long."
    ) in text


def test_comparison_report_when_one_never_gets_there():
    org = swarm.hierarchy(57)
    cmp = swarm.compare(
        {"as is": org, "manager away": swarm.remove(org, [1])},
        swarm.Cascade(swarm.Constant(1.0)),
        swarm.Shock("top"),
        runs=2,
        seed=1,
    )
    assert "Manager away never reached 90 % of the staff in most runs (on average 88 %" in (
        cmp.report()
    )


# ---- robustness ------------------------------------------------------------------


def test_robustness_table_shape_and_counts():
    org = swarm.hierarchy(400)  # 57 managers
    table = swarm.robustness(
        org,
        swarm.Cascade(swarm.Exponential(1.0)),
        removed=(0, 0.1, 0.2),
        who=("random", "managers"),
        runs=4,
        draws=3,
        seed=1,
    )
    assert list(table["who"]) == ["random"] * 3 + ["managers"] * 3
    assert table["absent"].tolist() == [0, 40, 80, 0, 6, 11]
    assert np.allclose(table["staff_away"], table["absent"] / 400)
    assert set(table["runs"]) == {12} and set(table["unit"]) == {"hours"}
    assert {
        "t50",
        "t50_lo",
        "t50_hi",
        "t90",
        "t90_lo",
        "t90_hi",
        "reach",
        "reach_lo",
        "reach_hi",
    } <= set(table.columns)
    # nobody removed: both rows are the same simulations
    base = table[table["removed"] == 0]
    assert base.iloc[0, 2:].equals(base.iloc[1, 2:])
    assert np.all(base["reach"] == 1.0)
    again = swarm.robustness(
        org,
        swarm.Cascade(swarm.Exponential(1.0)),
        removed=(0, 0.1, 0.2),
        who=("random", "managers"),
        runs=4,
        draws=3,
        seed=1,
    )
    pd.testing.assert_frame_equal(table, again)


def test_robustness_matches_direct_simulation_with_no_one_removed():
    """No one removed: the row is the organisation's own response, whatever the seeds.

    A deterministic case, so the expected values need no knowledge of how
    robustness derives its seeds: hierarchy(400) from the top with every
    delay 1 hour has 1, 7, 49 and 343 people on levels 0-3, turning at hours
    0-3: 57 people (14 %) by hour 2 and everyone by hour 3, so t50 = t90 = 3.
    """
    org = swarm.hierarchy(400)
    model = swarm.Cascade(swarm.Constant(1.0))
    table = swarm.robustness(
        org, model, swarm.Shock("top"), removed=[0.0], who="random", runs=3, draws=2, seed=3
    )
    row = table.iloc[0]
    assert (row["t50"], row["t90"], row["reach"]) == (3.0, 3.0, 1.0)
    assert (row["t50_lo"], row["t90_hi"]) == (3.0, 3.0)  # every run alike
    # and the rows with people away are not: some never hear from the top
    away = swarm.robustness(
        org, model, swarm.Shock("top"), removed=[0.2], who="managers", runs=3, draws=2, seed=3
    ).iloc[0]
    assert away["reach"] < 1.0


def test_losing_managers_hurts_a_hierarchy_more_than_losing_anyone():
    """5 % of managers cut whole teams off; 5 % of anyone mostly the front line.

    Measured mean reach: 0.91 against 0.63 (10 removal draws x 10 runs
    each). Runs spread widely when managers go (5-95 %: 0.01 to 0.95, sd
    about 0.3), and runs of one draw are correlated, so count only the 10
    draws: standard error about 0.3 / sqrt(10) = 0.1 at worst. Requiring a
    gap of 0.1 leaves the measured 0.28 almost two such errors of room, and
    the per-run error (0.03) is far smaller.
    """
    org = swarm.hierarchy(1000)
    table = swarm.robustness(
        org,
        swarm.Cascade(swarm.Exponential(1.0)),
        removed=[0.05],
        who=("random", "managers"),
        runs=10,
        draws=10,
        seed=2,
    )
    reach = table.set_index("who")["reach"]
    assert reach["managers"] < reach["random"] - 0.1


def test_plot_robustness(tmp_path):
    table = swarm.robustness(swarm.hierarchy(300), removed=(0, 0.1), runs=3, draws=2, seed=1)
    path = tmp_path / "robust.png"
    fig = swarm.plot_robustness(table, path=path, title="test")
    assert path.stat().st_size > 1000
    assert fig.axes[0].get_ylabel() == "90 % turned, t90 (hours)"
    assert fig.axes[0].get_xlabel() == "staff away (% of head count)"
    assert fig.axes[1].get_ylabel() == "staff reached (%)"
    assert swarm.plot_robustness(table, metric="t50").axes[0].get_ylabel() == (
        "half turned, t50 (hours)"
    )
    with pytest.raises(ValueError, match="metric must be one of"):
        swarm.plot_robustness(table, metric="t99")
    with pytest.raises(ValueError, match="table must be a DataFrame from swarm.robustness"):
        swarm.plot_robustness(table.drop(columns="reach"))
    both = swarm.plot_robustness({"a": table, "b": table})
    assert [ln.get_label() for ln in both.axes[1].lines][:2] == [
        "a: anyone (at random)",
        "a: managers",
    ]
    with pytest.raises(ValueError, match=r"table\['b'\] must be a DataFrame"):
        swarm.plot_robustness({"a": table, "b": None})


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"removed": [0.1, 1.5]}, "removed must lie in"),
        ({"removed": []}, "removed must hold at least one"),
        ({"who": "interns"}, "who must be one of"),
        ({"who": []}, "who must name at least one"),
        ({"runs": 0}, "runs must be >= 1"),
        ({"draws": 0}, "draws must be >= 1"),
    ],
)
def test_robustness_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        swarm.robustness(swarm.hierarchy(50), **kwargs)


# turn times with ties and never-reached agents, drawn so a failure shrinks
_TIMES = st.integers(1, 40).flatmap(
    lambda n: st.lists(
        st.lists(
            st.one_of(
                st.sampled_from([0.0, 1.0, 2.0, math.inf]), st.floats(0.0, 50.0, allow_nan=False)
            ),
            min_size=n,
            max_size=n,
        ),
        min_size=1,
        max_size=4,
    )
)


@settings(max_examples=200, deadline=None)
@given(_TIMES)
def test_per_run_and_time_to_fraction_against_their_definitions(rows):
    """Both metrics against tests/reference.py, which walks the sorted times."""
    t = np.array(rows)
    table = metrics.per_run(t)
    for r, row in enumerate(rows):
        want = per_run_ref(row)
        for col, value in want.items():
            assert table[col].iloc[r] == value, (col, row)
    for q, percent in ((0.1, 10), (0.5, 50), (0.7, 70), (0.9, 90), (1.0, 100)):
        assert metrics.time_to_fraction(t, q).tolist() == [
            time_to_fraction_ref(row, percent) for row in rows
        ]


@pytest.mark.parametrize(
    "n, q, k",
    [
        (10, 0.9, 9),
        (10, 0.1, 1),
        (7, 0.5, 4),
        (3, 0.9, 3),
        (100, 0.9, 90),
        (1, 0.1, 1),
        (10, 0.7, 7),
    ],
)
def test_time_to_fraction_is_the_kth_turn(n, q, k):
    """The k-th turn, k = ceil(q n); 0.7 * 10 is 7.000000000000001 in floats, still k = 7."""
    t = np.arange(1.0, n + 1)[None, :]
    assert metrics.time_to_fraction(t, q)[0] == k
