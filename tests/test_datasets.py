"""The shipped sample org chart: reproducible from its script and shaped as documented."""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest

import swarm
from swarm.datasets import sample_org_chart, sample_org_chart_path

ROOT = pathlib.Path(__file__).parent.parent
DEPARTMENTS = {
    "Executive office": 24,
    "Production": 700,
    "Logistics": 330,
    "Sales": 260,
    "Customer service": 250,
    "Engineering": 220,
    "Finance": 110,
    "HR": 106,
}
ROLE_LEVEL = {"chief executive": 0, "director": 1, "manager": 2, "team lead": 3, "staff": 4}


def _script():
    spec = importlib.util.spec_from_file_location(
        "make_sample_org", ROOT / "scripts" / "make_sample_org.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def chart():
    return sample_org_chart()


def test_script_regenerates_the_shipped_file_byte_for_byte(tmp_path):
    shipped = pathlib.Path(sample_org_chart_path()).read_bytes()
    mod = _script()
    assert mod.to_csv(mod.build()).encode("utf-8") == shipped
    out = tmp_path / "chart.csv"
    assert mod.main(["--out", str(out)]) == 0
    assert out.read_bytes() == shipped
    # the seed matters: another seed gives another company
    assert mod.to_csv(mod.build(seed=1)).encode("utf-8") != shipped


def test_columns_and_counts(chart):
    assert list(chart.columns) == ["id", "manager", "department", "site", "role", "title"]
    assert len(chart) == 2000
    assert chart["id"].is_unique and chart["id"].str.fullmatch(r"E\d{4}").all()
    assert chart["id"].is_monotonic_increasing
    assert chart["department"].value_counts().to_dict() == DEPARTMENTS
    assert set(chart["site"]) == {"Amsterdam", "Eindhoven", "Antwerp", "Rotterdam", "Utrecht"}
    assert chart["role"].value_counts().to_dict() == {
        "staff": 1723,
        "team lead": 222,
        "manager": 46,
        "director": 8,
        "chief executive": 1,
    }
    top = chart[chart["manager"] == ""]
    assert top["role"].tolist() == ["chief executive"]
    assert top["department"].tolist() == ["Executive office"]
    assert (chart.loc[chart["manager"] != "", "manager"].isin(set(chart["id"]))).all()


def test_spans_depth_roles_and_sites(chart):
    org = swarm.from_org_chart(chart)
    assert org.level.max() == 4  # five layers, 0..4
    assert np.bincount(org.level).tolist() == [1, 8, 46, 240, 1705]
    reports = np.bincount(org.manager[org.manager >= 0], minlength=org.n)
    managers = reports > 0
    assert reports[managers].min() == 4 and reports[managers].max() == 12
    assert round(reports[managers].mean(), 1) == 7.2  # as documented
    role = chart["role"].map(ROLE_LEVEL).to_numpy()
    staff = chart["role"].to_numpy() == "staff"
    # role is the level, except executive-office staff, who report to managers
    assert np.array_equal(role[~staff], org.level[~staff])
    assert set(org.level[staff]) == {3, 4}
    assert set(chart.loc[staff & (org.level == 3), "department"]) == {"Executive office"}
    assert not managers[staff].any() and managers[~staff].all()
    # a manager's whole unit works at their site (below the directors' reports)
    site = chart["site"].to_numpy()
    deep = org.level >= 3
    assert (site[deep] == site[org.manager[deep]]).all()
    # and every department sits where the script puts it
    assert set(chart.loc[chart["department"] == "Customer service", "site"]) == {"Utrecht"}


def test_as_organisation_and_path(chart):
    org = sample_org_chart(as_organisation=True)
    assert isinstance(org, swarm.Organisation) and org.n == 2000
    assert org == swarm.from_org_chart(chart, name="org chart")
    assert org == swarm.from_org_chart(sample_org_chart_path(), name="org chart")
    assert sorted(org.department_names) == sorted(DEPARTMENTS)
    assert org.ids[0] == "E0001"
    with pytest.raises(TypeError, match="as_organisation"):
        sample_org_chart(as_organisation="yes")
