"""Generate the sample org chart shipped with swarm (a synthetic company).

Run:  python scripts/make_sample_org.py        (rewrites the shipped CSV)
      python scripts/make_sample_org.py --out chart.csv

The company is invented but shaped like a mid-sized Dutch manufacturer:
2,000 people in 8 departments at 5 sites, a chief executive at the top and
four layers below (director, manager, team lead, staff; the small executive
office has three). Every manager has between 4 and 12 direct reports. The
generator draws only from ``numpy.random.Generator.random`` with a fixed
seed and writes plain text, so the file is the same byte for byte on every
run (the test suite checks that).
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

SEED = 2026
SPAN_MIN, SPAN_MAX = 4, 12
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "swarm", "datasets", "data", "sample_org_chart.csv")
COLUMNS = ("id", "manager", "department", "site", "role", "title")
ROLES = ("chief executive", "director", "manager", "team lead", "staff")

# name, head count (director included), reports per person of each layer
# below the director's direct reports (managers -> team leads -> staff), sites
# (weights), title of the staff at the bottom
DEPARTMENTS = [
    ("Executive office", 23, (4.5,), {"Amsterdam": 1.0}, "Policy advisor"),
    ("Production", 700, (6.0, 9.0), {"Eindhoven": 0.6, "Antwerp": 0.4}, "Operator"),
    ("Logistics", 330, (5.5, 9.0), {"Rotterdam": 0.7, "Antwerp": 0.3}, "Logistics operative"),
    (
        "Sales",
        260,
        (5.0, 7.0),
        {"Amsterdam": 0.4, "Utrecht": 0.3, "Antwerp": 0.3},
        "Sales representative",
    ),
    ("Customer service", 250, (4.5, 9.0), {"Utrecht": 1.0}, "Service agent"),
    ("Engineering", 220, (5.0, 6.0), {"Eindhoven": 0.8, "Amsterdam": 0.2}, "Engineer"),
    ("Finance", 110, (4.5, 5.0), {"Amsterdam": 1.0}, "Financial controller"),
    ("HR", 106, (4.5, 5.0), {"Amsterdam": 0.7, "Eindhoven": 0.3}, "HR advisor"),
]


def _pick(rng: np.random.Generator, weights: np.ndarray) -> int:
    """Index drawn with probability proportional to ``weights`` (uses rng.random only)."""
    cum = np.cumsum(weights)
    return int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))


def _layer_sizes(size: int, ratios: tuple[float, ...]) -> list[int]:
    """Head count per layer below the director, close to the given span ratios."""
    sizes = []
    rest = size - 1  # the director
    parents = 1
    for j in range(len(ratios) + 1):
        # people in this layer and everything below it, per person in this layer
        below = 1.0
        chain = 1.0
        for r in ratios[j:]:
            chain *= r
            below += chain
        count = rest if j == len(ratios) else int(round(rest / below))
        if not SPAN_MIN * parents <= count <= SPAN_MAX * parents:
            raise ValueError(
                f"{count} people under {parents} managers breaks the "
                f"{SPAN_MIN}-{SPAN_MAX} span rule; adjust DEPARTMENTS"
            )
        sizes.append(count)
        rest -= count
        parents = count
    return sizes


def _spans(rng: np.random.Generator, parents: int, children: int) -> np.ndarray:
    """Direct reports per parent: each between SPAN_MIN and SPAN_MAX, uneven."""
    span = np.full(parents, SPAN_MIN, dtype=np.int64)
    appetite = 0.5 + rng.random(parents)  # some managers collect bigger teams
    for _ in range(children - SPAN_MIN * parents):
        open_ = span < SPAN_MAX
        span[np.flatnonzero(open_)[_pick(rng, appetite[open_])]] += 1
    return span


def build(seed: int = SEED) -> list[dict[str, str]]:
    """The org chart as a list of rows (dicts keyed by COLUMNS), sorted by id."""
    rng = np.random.default_rng(seed)
    people: list[dict] = [
        {
            "manager": -1,
            "department": "Executive office",
            "site": "Amsterdam",
            "role": "chief executive",
            "title": "Chief executive",
        }
    ]
    for name, size, ratios, sites, staff_title in DEPARTMENTS:
        site_names = list(sites)
        site_w = np.array([sites[s] for s in site_names])
        director = len(people)
        people.append(
            {
                "manager": 0,
                "department": name,
                "site": site_names[0],
                "role": "director",
                "title": "Chief of staff" if name == "Executive office" else f"Director {name}",
            }
        )
        layer = [director]
        for depth, count in enumerate(_layer_sizes(size, ratios), start=2):
            bottom = depth == len(ratios) + 2
            nxt = []
            for parent, span in zip(layer, _spans(rng, len(layer), count)):
                for _ in range(int(span)):
                    # each of the director's reports picks a site for their
                    # unit; everyone below works at their manager's site
                    site = site_names[_pick(rng, site_w)] if depth == 2 else people[parent]["site"]
                    nxt.append(len(people))
                    role = "staff" if bottom else "manager" if depth == 2 else "team lead"
                    title = staff_title if bottom else f"{name} {role}"
                    people.append(
                        {
                            "manager": parent,
                            "department": name,
                            "site": site,
                            "role": role,
                            "title": title,
                        }
                    )
            layer = nxt
    n = len(people)
    # employee numbers are handed out independently of the structure
    order = np.argsort(rng.random(n), kind="stable")
    number = np.empty(n, dtype=np.int64)
    number[order] = np.arange(1, n + 1)
    ids = [f"E{k:04d}" for k in number]
    rows = []
    for i, p in enumerate(people):
        rows.append(
            {
                "id": ids[i],
                "manager": "" if p["manager"] < 0 else ids[p["manager"]],
                "department": p["department"],
                "site": p["site"],
                "role": p["role"],
                "title": p["title"],
            }
        )
    rows.sort(key=lambda r: r["id"])
    return rows


def to_csv(rows: list[dict[str, str]]) -> str:
    """CSV text with a header and "\\n" line ends (no field needs quoting)."""
    lines = [",".join(COLUMNS)]
    for r in rows:
        fields = [r[c] for c in COLUMNS]
        assert not any("," in f or '"' in f for f in fields), fields
        lines.append(",".join(fields))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        default=OUT,
        help="where to write the CSV (default: the file shipped in swarm/datasets/data/)",
    )
    args = parser.parse_args(argv)
    text = to_csv(build())
    folder = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(folder, exist_ok=True)
    tmp = args.out + ".part"
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, args.out)
    print(f"wrote {text.count(chr(10)) - 1} people to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
