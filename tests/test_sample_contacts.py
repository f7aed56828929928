"""The shipped sample contacts: reproducible from their script and shaped like a real export."""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pandas as pd
import pytest

import swarm
from swarm.datasets import sample_contacts, sample_contacts_path, sample_org_chart

ROOT = pathlib.Path(__file__).parent.parent


def _script():
    spec = importlib.util.spec_from_file_location(
        "make_sample_contacts", ROOT / "scripts" / "make_sample_contacts.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_script_regenerates_the_shipped_file_byte_for_byte(tmp_path):
    shipped = pathlib.Path(sample_contacts_path()).read_bytes()
    mod = _script()
    out = tmp_path / "contacts.csv.gz"
    assert mod.main(["--out", str(out)]) == 0
    assert out.read_bytes() == shipped


@pytest.fixture(scope="module")
def mails():
    return sample_contacts()


def test_columns_ids_and_time_stamps(mails):
    assert list(mails.columns) == ["timestamp", "sender", "recipient", "medium"]
    chart = sample_org_chart()
    ids = set(chart["id"])
    assert set(mails["sender"]) <= ids and set(mails["recipient"]) <= ids
    assert (mails["sender"] != mails["recipient"]).all()
    t = pd.to_datetime(mails["timestamp"])
    assert t.is_monotonic_increasing
    assert t.min() >= pd.Timestamp("2026-03-02 08:00") and t.max() < pd.Timestamp("2026-03-14")
    assert set(t.dt.day_of_week) <= {0, 1, 2, 3, 4} and t.dt.hour.between(8, 16).all()
    assert set(mails["medium"]) == {"email", "chat"}


def test_shape_of_a_real_export(mails):
    chart = sample_org_chart().set_index("id")
    s, r = chart.loc[mails["sender"]], chart.loc[mails["recipient"]]
    same_dept = s["department"].to_numpy() == r["department"].to_numpy()
    mgr_s, mgr_r = s["manager"].to_numpy(), r["manager"].to_numpy()
    ids_s, ids_r = mails["sender"].to_numpy(), mails["recipient"].to_numpy()
    team = (mgr_s == mgr_r) | (mgr_s == ids_r) | (mgr_r == ids_s)
    # designed: 65 % of first messages in the team, 25 % in the department, 10 % across
    # (connectors 25/25/50); replies keep the pair. With ~19,000 rows the shares sit
    # within a few points of the mix.
    assert 0.50 < team.mean() < 0.70
    assert 0.80 < same_dept.mean() < 0.95
    sent = mails["sender"].value_counts()
    # a few busy connectors: the top 2 % of senders write far more than the median person
    assert sent.iloc[:40].median() > 3 * sent.median()


def test_as_organisation_lays_contacts_over_the_chart():
    org = sample_contacts(as_organisation=True)
    assert org.n == 2000 and int(org.level.max()) == 4
    assert 1.0 < org.attention.mean() < 30
    assert set(np.unique(org.channel)) == {
        swarm.CHANNELS.index("formal"),
        swarm.CHANNELS.index("colleague"),
    }
    with pytest.raises(TypeError, match="as_organisation must be True or False"):
        sample_contacts(as_organisation=1)
