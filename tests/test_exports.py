"""Real HR exports read as they come: separators, encodings, BOM, xlsx, headings, mapping,
ids as written, blank departments, several tops, empty files and things that are not files.

Every error and warning text is asserted exactly: it is what an HR user reads.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import swarm
from swarm.structures import _tables

ROWS = [
    ("0012", "", "Board"),
    ("0013", "0012", "Façade"),
    ("0014", "0012", "Façade"),
    ("0015", "0013", "Sales"),
]


def _text(sep=",", header=("id", "manager", "department"), rows=ROWS) -> str:
    return "\n".join([sep.join(header)] + [sep.join(r) for r in rows]) + "\n"


def _check(org):
    assert org.ids.tolist() == ["0012", "0013", "0014", "0015"]
    assert org.level.tolist() == [0, 1, 1, 2]
    assert org.department_names == ("Board", "Façade", "Sales")


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
@pytest.mark.parametrize("ext", [".csv", ".tsv", ".txt"])
def test_separators_are_detected(tmp_path, sep, ext):
    path = tmp_path / f"chart{ext}"
    path.write_text(_text(sep), encoding="utf-8")
    _check(swarm.from_org_chart(path))


def test_separator_can_be_given(tmp_path):
    path = tmp_path / "chart.csv"
    path.write_text(_text(";"), encoding="utf-8")
    _check(swarm.from_org_chart(path, sep=";"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / "chart.csv"
    sep = "\t" if encoding == "utf-16" else ";"  # Excel's "Unicode text" is UTF-16 with tabs
    path.write_bytes(_text(sep).encode(encoding))
    org = swarm.from_org_chart(path)
    _check(org)
    if encoding == "utf-8-sig":  # the byte-order mark is not part of the first heading
        assert path.read_bytes()[:3] == b"\xef\xbb\xbf"


def test_encoding_can_be_given_and_a_wrong_one_is_named(tmp_path):
    path = tmp_path / "chart.csv"
    path.write_bytes(_text().encode("cp1252"))
    _check(swarm.from_org_chart(path, encoding="cp1252"))
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(path, encoding="utf-8")
    assert str(err.value) == (
        f"table: {str(path)!r} is not valid utf-8 (byte 46); leave encoding=None to detect "
        "it, or try 'utf-8', 'cp1252' or 'latin-1'"
    )


def _xlsx(
    path, rows, header=("Employee ID", "Manager ID", "Department"), sheet="People", first_sheet=None
):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    if first_sheet:
        ws.title = first_sheet
        ws.append(["nothing", "here"])
        ws = book.create_sheet(sheet)
    else:
        ws.title = sheet
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    book.save(path)


def test_xlsx_keeps_text_ids_and_reads_numbers_as_written(tmp_path):
    path = tmp_path / "chart.xlsx"
    _xlsx(path, ROWS)
    _check(swarm.from_org_chart(path))
    numbers = tmp_path / "numbers.xlsx"
    _xlsx(numbers, [(12, None, "Board"), (13, 12, "Sales"), (14.0, 12, "Sales")])
    assert swarm.from_org_chart(numbers).ids.tolist() == ["12", "13", "14"]


def test_xlsx_sheet_by_name_or_position(tmp_path):
    path = tmp_path / "chart.xlsx"
    _xlsx(path, ROWS, first_sheet="Notes")
    _check(swarm.from_org_chart(path, sheet="People"))
    _check(swarm.from_org_chart(path, sheet=1))
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(path, sheet="Staff")
    assert str(err.value) == (
        f"sheet: {str(path)!r} has no sheet 'Staff'; its sheets are ['Notes', 'People']"
    )
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(path, sheet=2)
    assert str(err.value) == (
        f"sheet: {str(path)!r} has 2 sheet(s) ['Notes', 'People']; "
        "sheet=2 is out of range (0-based)"
    )


def test_a_damaged_workbook_and_an_old_xls_are_refused_by_name(tmp_path):
    bad = tmp_path / "chart.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(bad)
    assert str(err.value) == (
        f"table: {str(bad)!r} is not a readable .xlsx workbook; save "
        "it again from Excel, or export it as CSV"
    )
    old = tmp_path / "chart.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(old)
    assert str(err.value) == (
        f"table: {str(old)!r} is an old Excel .xls workbook, which is "
        "not read; save it as .xlsx or CSV"
    )


@pytest.mark.parametrize(
    "header",
    [
        ("Employee ID", "Manager ID", "Department"),
        ("employee_id", "MANAGER_ID", "Dept"),
        ("Personnel Number", "Reports To", "Org Unit"),
        ("Emp No", "Supervisor", "Division"),
        (" ID ", "Line Manager", "organisational unit"),
    ],
)
def test_usual_headings_are_understood(tmp_path, header):
    path = tmp_path / "chart.csv"
    path.write_text(_text(",", header), encoding="utf-8")
    _check(swarm.from_org_chart(path))


def test_explicit_mapping_of_columns(tmp_path):
    path = tmp_path / "chart.csv"
    path.write_text(_text(",", ("Personnel nr", "Boss nr", "Cost centre")), encoding="utf-8")
    _check(
        swarm.from_org_chart(
            path, columns={"id": "Personnel nr", "manager": "boss_nr", "department": "COST CENTRE"}
        )
    )
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(path)
    assert str(err.value) == (
        f"from_org_chart: {str(path)!r} has no column for the id and the manager and the "
        "department; its columns are ['Personnel nr', 'Boss nr', 'Cost centre']. Name them "
        "with columns={'id': ..., 'manager': ..., 'department': ...} (or the CLI's "
        "--id-column)"
    )
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(
            path, columns={"id": "Personnel nr", "manager": "Boss nr", "department": "Unit"}
        )
    assert str(err.value) == (
        f"from_org_chart: {str(path)!r} has no column 'Unit' (for the department); its "
        "columns are ['Personnel nr', 'Boss nr', 'Cost centre']"
    )
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(path, columns={"person": "Personnel nr"})
    assert str(err.value) == (
        "columns: unknown role 'person'; the roles here are 'id', 'manager', 'department'"
    )


def test_ids_are_kept_exactly_as_written(tmp_path):
    path = tmp_path / "chart.csv"
    rows = [
        ("0012", "", "a"),
        ("12", "0012", "a"),
        ("12E4", "0012", "a"),
        ("1E3", "12", "a"),
        ("1_000", "12", "a"),
        ("1000", "12", "a"),
    ]
    path.write_text(_text(",", rows=rows), encoding="utf-8")
    org = swarm.from_org_chart(path)
    assert org.ids.tolist() == ["0012", "12", "12E4", "1E3", "1_000", "1000"]
    assert org.manager.tolist() == [-1, 0, 0, 1, 1, 1]
    res = swarm.simulate(org, swarm.Cascade(swarm.Constant(1.0)), swarm.Shock(["1E3"]), seed=0)
    assert dict(zip(org.ids, res.arrival_times[0]))["0012"] == 2.0


def test_blank_departments_are_one_warning_with_counts(tmp_path):
    path = tmp_path / "chart.csv"
    rows = [("a", "", "Board"), ("b", "a", ""), ("c", "a", " "), ("d", "b", "Sales")]
    path.write_text(_text(",", rows=rows), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        org = swarm.from_org_chart(path)
    assert [str(w.message) for w in caught] == [
        (
            f"from_org_chart: 2 of 4 people in {str(path)!r} have a blank 'department' (rows 3, "
            "4); they are grouped as the department '(no department)'"
        )
    ]
    assert org.department_names == ("(no department)", "Board", "Sales")


def test_several_tops_are_one_warning_naming_them(tmp_path):
    path = tmp_path / "chart.csv"
    rows = [
        ("a", "", "x"),
        ("b", "a", "x"),
        ("c", "a", "x"),
        ("z", "", "y"),
        ("y", "z", "y"),
        ("solo", "", "y"),
    ]
    path.write_text(_text(",", rows=rows), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        org = swarm.from_org_chart(path)
    assert [str(w.message) for w in caught] == [
        (
            f"from_org_chart: {str(path)!r} has 3 tops (people with a blank manager): 'a' (3 "
            "people), 'z' (2 people), 'solo' (1 person); they head separate trees, and news "
            "cannot pass between them through the chain of command"
        )
    ]
    assert org.level.tolist() == [0, 1, 1, 0, 1, 0]


def test_a_dataframe_is_named_as_such_with_its_row():
    chart = pd.DataFrame(
        {"id": ["a", "b", ""], "manager": ["", "a", "a"], "department": ["x", "x", "x"]}
    )
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(chart)
    assert str(err.value) == (
        "the DataFrame: row 2, column 'id': the id is blank; every person needs an id"
    )


@pytest.mark.parametrize(
    "rows, message",
    [
        (
            [("a", "", "x"), ("", "a", "x")],
            "row 3, column 'id': the id is blank; every person needs an id",
        ),
        (
            [("a", "", "x"), ("a", "a", "x")],
            "column 'id': id 'a' appears twice (row 2 and row 3); ids must be unique",
        ),
        (
            [("a", "", "x"), ("b", "zoe", "x")],
            (
                "row 3, column 'manager': the manager 'zoe' of 'b' is not in the table (a missing "
                "manager); a manager must have a row of their own, and the top a blank manager"
            ),
        ),
        (
            [("a", "", "x"), ("b", "b", "x")],
            "row 3, column 'manager': 'b' is their own manager; leave the top's manager blank",
        ),
        (
            [("a", "b", "x"), ("b", "a", "x")],
            (
                "managers form a cycle (through 'a', 'b'); every chain must end at a person with a "
                "blank manager"
            ),
        ),
    ],
)
def test_bad_rows_name_file_row_and_column(tmp_path, rows, message):
    path = tmp_path / "chart.csv"
    path.write_text(_text(",", rows=rows), encoding="utf-8")
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(path)
    assert str(err.value) == f"table {str(path)!r}: {message}"


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_named(tmp_path, content):
    path = tmp_path / "chart.csv"
    path.write_bytes(content)
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(path)
    assert str(err.value) == (
        f"table: {str(path)!r} is empty; it needs a header row (the "
        "column names) and one row per record"
    )


def test_a_header_only_file_has_no_people(tmp_path):
    path = tmp_path / "chart.csv"
    path.write_text("Employee ID;Manager ID;Department\n", encoding="utf-8")
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(path)
    assert str(err.value) == (
        f"table {str(path)!r} has a header row but no people; it needs one row per person"
    )


def test_a_missing_file_a_directory_and_devices_are_refused(tmp_path):
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(tmp_path / "nope.csv")
    assert str(err.value) == f"table: no such file {str(tmp_path / 'nope.csv')!r}"
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(tmp_path)
    assert str(err.value) == (
        f"table: {str(tmp_path)!r} is a directory; give the path of a CSV, TSV, TXT or XLSX file"
    )
    with pytest.raises(ValueError) as err:  # never read until memory runs out
        swarm.from_org_chart("/dev/zero")
    assert str(err.value) == (
        "table: '/dev/zero' is not a regular file (a device, pipe or "
        "socket); give the path of a CSV, TSV, TXT or XLSX file"
    )
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # reading it would block forever
    with pytest.raises(ValueError, match="is not a regular file"):
        swarm.from_org_chart(fifo)


def test_the_size_limit_has_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "chart.csv"
    path.write_text(_text(), encoding="utf-8")
    monkeypatch.setattr(_tables, "MAX_BYTES", 50)
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(path)
    size = path.stat().st_size
    assert str(err.value) == (
        f"table: {str(path)!r} is {size:,} bytes, more than the 50-byte limit for a table"
    )


def test_errors_never_quote_the_file_content(tmp_path):
    secret = "salary-of-the-ceo-123456"
    binary = tmp_path / "chart.csv"
    binary.write_bytes(b"id,manager\x00" + secret.encode())
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(binary)
    assert secret not in str(err.value)
    assert str(err.value) == (
        f"table: {str(binary)!r} holds binary data, not a text table; "
        "give a CSV, TSV, TXT or XLSX file"
    )
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(f"id,manager,department\na,,x\nb,a,x,{secret},more\n", encoding="utf-8")
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(ragged)
    assert secret not in str(err.value)
    assert str(err.value) == (
        f"table: cannot read {str(ragged)!r} as a table separated by "
        "commas: line 3 has 5 fields where the header has 3; check the "
        "separator (sep=) and quoting"
    )


@pytest.mark.parametrize("path", ["/etc/passwd", "/etc/hostname"])
def test_a_file_that_is_not_a_table_is_not_echoed(path):
    if not os.path.isfile(path):
        pytest.skip(f"{path} does not exist here")
    with open(path, encoding="utf-8", errors="replace") as fh:
        lines = [ln.strip() for ln in fh if ln.strip()]
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(path)
    assert not any(ln in str(err.value) for ln in lines)
    assert not any(part in str(err.value) for part in lines[0].split(":") if len(part) > 3)


def test_a_single_column_file_is_refused_without_its_heading(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("confidential: salary review 2026\nline two\n", encoding="utf-8")
    with pytest.raises(ValueError) as err:
        swarm.from_org_chart(path)
    assert str(err.value) == (
        f"from_org_chart: {str(path)!r} reads as a single column, not a table; a table has a "
        "header row with its columns separated by commas, semicolons, tabs or pipes (give "
        "sep= if it uses another separator)"
    )


def test_contacts_are_read_by_the_same_reader(tmp_path):
    chart = tmp_path / "chart.csv"
    chart.write_bytes(_text(";", ("Employee ID", "Reports To", "Dept")).encode("cp1252"))
    mails = tmp_path / "mails.txt"
    mails.write_text(
        "Date\tFrom\tTo\n2026-03-02 09:00\t0013\t0015\n2026-03-02 10:00\t0015\t0014\n",
        encoding="utf-8",
    )
    org = swarm.from_edges(mails, chart, timestamp="date")
    assert org.ids.tolist() == ["0012", "0013", "0014", "0015"]
    i = {k: j for j, k in enumerate(org.ids)}
    assert org.watch[i["0015"], i["0013"]] > 0 and org.watch[i["0014"], i["0015"]] > 0
    assert org.level.tolist() == [0, 1, 1, 2]
    with pytest.raises(ValueError) as err:
        swarm.from_edges(mails, chart, columns={"source": "Sender"})
    assert str(err.value) == (
        f"from_edges: {str(mails)!r} has no column 'Sender' (for the "
        "source); its columns are ['Date', 'From', 'To']"
    )


def test_dataframe_ids_as_numbers_still_match_their_managers():
    chart = pd.DataFrame(
        {"id": [10, 11, 12], "manager": [np.nan, 10.0, "10"], "department": ["x", "y", "y"]}
    )
    org = swarm.from_org_chart(chart)
    assert org.ids.tolist() == [10, 11, 12] and org.manager.tolist() == [-1, 0, 0]


def test_scenario_files_take_the_reader_options(tmp_path):
    (tmp_path / "chart.csv").write_text(
        _text(";", ("Personnel nr", "Boss", "Unit")), encoding="utf-8"
    )
    (tmp_path / "mine.toml").write_text(
        'runs = 3\n[structures.mine]\nkind = "org_chart"\ntable = "chart.csv"\nsep = ";"\n'
        'columns = { id = "Personnel nr", manager = "Boss", department = "Unit" }\n',
        encoding="utf-8",
    )
    from swarm.experiments.scenario_file import read_scenario

    sf = read_scenario(tmp_path / "mine.toml")
    res = sf.scenario.run(runs=3, seed=1)
    assert res["mine"].organisation.ids.tolist() == ["0012", "0013", "0014", "0015"]


# ---- ids survive any export, whatever they look like ---------------------------------
_ID = (
    st.text(alphabet="0123456789AEZaez_-.+/ é", min_size=1, max_size=8)
    .map(str.strip)
    .filter(lambda s: s != "" and s.lower() not in ("nan", "none", "null", "n/a", "na"))
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ids=st.lists(_ID, min_size=2, max_size=12, unique=True),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1"]),
    data=st.data(),
)
def test_any_ids_survive_any_separator_and_encoding(tmp_path, ids, sep, encoding, data):
    bosses = [""] + [ids[data.draw(st.integers(0, k - 1))] for k in range(1, len(ids))]
    rows = [(i, b, "x") for i, b in zip(ids, bosses)]
    path = tmp_path / "chart.csv"
    path.write_bytes(_text(sep, rows=rows).encode(encoding))
    org = swarm.from_org_chart(path)
    assert org.ids.tolist() == ids
    assert [ids[m] if m >= 0 else "" for m in org.manager] == bosses
