"""Generate the sample communication export shipped with swarm (for the sample company).

Run:  python scripts/make_sample_contacts.py        (rewrites the shipped file)
      python scripts/make_sample_contacts.py --out contacts.csv.gz

Two working weeks (Monday 2 March to Friday 13 March 2026, 08:00-17:00) of
e-mail and chat metadata among the 2,000 people of the sample org chart
(``scripts/make_sample_org.py``): who wrote to whom, and when. It has the
shape real exports have:

- most messages stay inside a team (a person, their manager, their direct
  reports and the colleagues who share their manager);
- fewer cross to the rest of the department, mostly at the same site, and
  fewer still to another department;
- a few busy connectors (2 % of the staff) write several times as much, and
  half of what they write crosses departments;
- about half the messages get a reply within the hour.

Only ``numpy.random.Generator.random`` draws, with a fixed seed, and gzip
without a time stamp: the file is the same byte for byte on every run (the
test suite checks that).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import os
import sys

import numpy as np

SEED = 2027
DAYS = 10  # working days
FIRST_DAY = dt.date(2026, 3, 2)  # a Monday
MESSAGES = 6.0  # mean messages a person starts in the two weeks
CONNECTORS = 0.02  # share of busy connectors
CONNECTOR_FACTOR = 5.0  # how much more a connector writes
P_TEAM, P_DEPT = 0.65, 0.25  # where a message goes (else: another department)
P_TEAM_C, P_DEPT_C = 0.25, 0.25  # the same for a connector
P_REPLY = 0.5
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "swarm", "datasets", "data")
CHART = os.path.join(DATA, "sample_org_chart.csv")
OUT = os.path.join(DATA, "sample_contacts.csv.gz")
COLUMNS = ("timestamp", "sender", "recipient", "medium")


def _people(path: str = CHART):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    ids = [r["id"] for r in rows]
    pos = {i: k for k, i in enumerate(ids)}
    manager = np.array([pos[r["manager"]] if r["manager"] else -1 for r in rows])
    dept = [r["department"] for r in rows]
    site = [r["site"] for r in rows]
    return ids, manager, dept, site


def _days() -> list[dt.date]:
    out, d = [], FIRST_DAY
    while len(out) < DAYS:
        if d.weekday() < 5:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def build(seed: int = SEED) -> list[tuple[str, str, str, str]]:
    """The messages as (timestamp, sender, recipient, medium), in time order."""
    rng = np.random.default_rng(seed)
    ids, manager, dept, site = _people()
    n = len(ids)
    reports: list[list[int]] = [[] for _ in range(n)]
    for k, m in enumerate(manager.tolist()):
        if m >= 0:
            reports[m].append(k)
    team = []
    for k in range(n):
        m = int(manager[k])
        mates = [] if m < 0 else [m] + [s for s in reports[m] if s != k]
        team.append(mates + reports[k])
    by_dept: dict[str, list[int]] = {}
    by_dept_site: dict[tuple[str, str], list[int]] = {}
    for k in range(n):
        by_dept.setdefault(dept[k], []).append(k)
        by_dept_site.setdefault((dept[k], site[k]), []).append(k)
    connector = np.zeros(n, dtype=bool)
    connector[np.argsort(rng.random(n), kind="stable")[: round(CONNECTORS * n)]] = True
    activity = (0.3 + 1.4 * rng.random(n)) * np.where(connector, CONNECTOR_FACTOR, 1.0)
    days = _days()

    def pick(pool: list[int], me: int) -> int:
        while True:
            c = pool[int(rng.random() * len(pool))]
            if c != me:
                return c

    out = []
    for k in range(n):
        p_team, p_dept = (P_TEAM_C, P_DEPT_C) if connector[k] else (P_TEAM, P_DEPT)
        count = int(activity[k] * MESSAGES + rng.random())
        for _ in range(count):
            u = rng.random()
            if u < p_team and team[k]:
                other = pick(team[k], k)
            elif u < p_team + p_dept:
                local = by_dept_site[(dept[k], site[k])]
                pool = local if rng.random() < 0.7 and len(local) > 1 else by_dept[dept[k]]
                other = pick(pool, k)
            else:
                while True:
                    other = int(rng.random() * n)
                    if dept[other] != dept[k]:
                        break
            day = days[int(rng.random() * len(days))]
            second = int((8 * 60 + rng.random() * 9 * 60) * 60)
            medium = "email" if rng.random() < 0.6 else "chat"
            out.append((day, second, k, other, medium))
            if rng.random() < P_REPLY:
                lag = int(60 + rng.random() * 3540)  # within the hour
                out.append((day, min(second + lag, 17 * 3600 - 1), other, k, medium))
    out.sort(key=lambda r: (r[0], r[1], ids[r[2]], ids[r[3]]))
    rows = []
    for day, second, a, b, medium in out:
        t = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=second)
        rows.append((t.strftime("%Y-%m-%d %H:%M:%S"), ids[a], ids[b], medium))
    return rows


def to_bytes(rows) -> bytes:
    """Gzipped CSV text with a header, "\\n" line ends and no time stamp in the gzip header."""
    text = ",".join(COLUMNS) + "\n" + "".join(",".join(r) + "\n" for r in rows)
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        default=OUT,
        help="where to write the gzipped CSV (default: the file shipped in swarm/datasets/data/)",
    )
    args = parser.parse_args(argv)
    rows = build()
    data = to_bytes(rows)
    folder = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(folder, exist_ok=True)
    tmp = args.out + ".part"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, args.out)
    print(f"wrote {len(rows)} messages to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
