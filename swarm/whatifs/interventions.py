"""What-ifs for HR: each takes an Organisation and returns a new one.

Every what-if leaves its input untouched, keeps the head count ``n`` and
composes with the others (``swarm.remove(swarm.adopt(org, .6), 2,
who="managers")``). Each states what it does to the attention budget (how
many others each person watches, ``org.attention``), because that is what
the structures are compared at. Random choices come from the one ``seed``
argument.

======================  ==================================================
what-if                 attention budget
======================  ==================================================
``adopt``               adopters watch up to ``k`` more; others unchanged
``add_linking_pins``    pins up to ``k`` more; a group member one more per
                        pin joining its group
``flatten``             the remaining managers watch their new reports too
``remove``              the absent watch nobody and nobody watches them
``champion``            everyone one more (the champion); the champion all
======================  ==================================================
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from .._checks import SeedLike, check_choice, check_float, check_int, normalise_seed
from ..organisation import Organisation
from ..structures.neighbours import k_nearest
from . import _edit
from .linking_pins import find_linking_pins

__all__ = ["add_linking_pins", "adopt", "champion", "flatten", "remove"]

ADOPTERS = ("random", "managers", "frontline")
REMOVED = ("random", "managers", "linking_pins")


def _org(org) -> Organisation:
    if not isinstance(org, Organisation):
        raise TypeError(f"org must be an Organisation, got {type(org).__name__}")
    return org


def _pct(fraction: float) -> str:
    return f"{100 * fraction:.3g} %"


def adopt(
    org: Organisation, fraction: float, k: int = 7, who: str = "random", seed: SeedLike = None
) -> Organisation:
    """Some staff take up the internal social network and follow each other on it.

    A share ``fraction`` of the group ``who`` adopts the fast channel; each
    adopter additionally watches the ``k`` fellow adopters nearest to them
    in social space, over the ``social`` channel: the starlings' rule among
    those who fly ("they all fly equally fast"). Social space is
    ``org.position`` where the organisation has one; otherwise positions
    are drawn uniformly in the unit square, independent of the org chart
    (an internal network cuts across it), from ``seed``.

    Parameters
    ----------
    org : Organisation
    fraction : float in [0, 1]
        Share of the group ``who`` (of the people present) that adopts,
        rounded to whole people. Fewer than two adopters change nothing.
    k : int >= 1, default 7
        Fellow adopters each adopter follows (all of them if fewer).
    who : {"random", "managers", "frontline"}
        The group adoption is drawn from: everyone, the people who manage
        someone, or those who manage nobody (without manager data: above /
        at the lowest level).
    seed : None, int, SeedSequence or Generator
        Who adopts, and the social space when ``org`` has none.

    Returns
    -------
    Organisation
        Head count unchanged. Adopters watch up to ``k`` more people (fewer
        where they already watched a fellow adopter: that pair keeps its
        existing edge and channel, so no relation is lost when a later
        what-if drops the social channel); nobody else's attention changes.

    Examples
    --------
    >>> import swarm
    >>> org = swarm.hierarchy(400)
    >>> new = swarm.adopt(org, 0.6, seed=1)
    >>> new.n == org.n, int((new.attention - org.attention).max())
    (True, 7)
    >>> swarm.adopt(org, 0.0) == org
    True
    """
    org = _org(org)
    fraction = check_float("fraction", fraction, low=0.0, high=1.0)
    k = check_int("k", k, low=1)
    check_choice("who", who, ADOPTERS)
    c_pick, c_space = normalise_seed(seed).spawn(2)
    group = _edit.group_of(org, who, what="adopt")
    m = _edit.count_of(fraction, group.size)
    if m < 2:
        return org
    adopters = np.sort(group[np.random.default_rng(c_pick).permutation(group.size)[:m]])
    if org.position is not None:
        pos = org.position
    else:
        pos = np.random.default_rng(c_space).random((org.n, 2))
    kk = min(k, m - 1)
    nbr = k_nearest(pos[adopters], kk)
    e = _edit.edges(org).add(np.repeat(adopters, kk), adopters[nbr].ravel(), _edit.SOCIAL)
    group_txt = {"random": "", "managers": " of managers", "frontline": " of the front line"}[who]
    return _edit.rebuild(
        org, e, name=_edit.suffix(org, f"{_pct(fraction)}{group_txt} on the network")
    )


def add_linking_pins(
    org: Organisation, fraction: float, k: int = 7, seed: SeedLike = None
) -> Organisation:
    """Some people also join a work group of another department: Likert's linking pins.

    A group is a manager and their direct reports. Each pin (a share
    ``fraction`` of the people present, drawn at random) joins one group,
    drawn at random among the groups headed in a department other than the
    pin's own that the pin is not already in. Joining means watching, and
    being watched by, the group's head and up to ``k - 1`` of its other
    members (all of them in a group of at most ``k``), on the ``colleague``
    channel. Every member of the pin's own group is then at most two hops
    from every joined member, however far apart the two departments were.

    Parameters
    ----------
    org : Organisation
        Needs ``department`` and ``manager`` (an org chart, a hierarchy,
        silos or a linking-pin structure).
    fraction : float in [0, 1]
        Share of the people present who become pins (rounded).
    k : int >= 1, default 7
        Most members of the joined group a pin connects with, its head included.
    seed : None, int, SeedSequence or Generator

    Returns
    -------
    Organisation
        Head count unchanged. A pin watches up to ``k`` more people; a group
        member watches one more per pin that joins their group.

    Examples
    --------
    >>> import swarm
    >>> org = swarm.linking_pin(400)
    >>> new = swarm.add_linking_pins(org, 0.1, seed=1)
    >>> new.n == org.n, new.n_edges > org.n_edges
    (True, True)
    """
    org = _org(org)
    fraction = check_float("fraction", fraction, low=0.0, high=1.0)
    k = check_int("k", k, low=1)
    if org.department is None or org.manager is None:
        raise ValueError(
            f"org must have departments and managers (its groups) to add linking "
            f"pins; the {org.name or 'given'} organisation lacks "
            f"{'departments' if org.department is None else 'managers'}"
        )
    c_pick, c_join = normalise_seed(seed).spawn(2)
    present = np.ones(org.n, dtype=bool) if org.absent is None else ~org.absent
    mgr, dept = org.manager, org.department
    # groups: head h and the present members of {h} + reports(h)
    heads = np.unique(mgr[mgr >= 0])
    members = {int(h): [int(h)] if present[h] else [] for h in heads}
    for r in np.flatnonzero(present & (mgr >= 0)).tolist():
        members[int(mgr[r])].append(r)
    heads = np.array([h for h in heads.tolist() if members[h]], dtype=np.int64)
    people = np.flatnonzero(present)
    m = _edit.count_of(fraction, people.size)
    if m == 0:
        return org
    if np.unique(dept[heads]).size < 2:
        raise ValueError(
            "org must have groups in at least two departments to add linking "
            f"pins; the {org.name or 'given'} organisation has them in "
            f"{np.unique(dept[heads]).size}"
        )
    pins = np.sort(people[np.random.default_rng(c_pick).permutation(people.size)[:m]])
    rng = np.random.default_rng(c_join)
    watcher, watched = [], []
    for p in pins.tolist():
        ok = (dept[heads] != dept[p]) & (heads != mgr[p])
        choices = heads[ok]
        if choices.size == 0:  # e.g. a lone department: nothing else to join
            continue
        h = int(choices[rng.integers(choices.size)])
        others = np.array([x for x in members[h] if x != h], dtype=np.int64)
        if others.size > k - 1:
            others = rng.choice(others, size=k - 1, replace=False)
        join = np.concatenate([[h] if present[h] else [], others]).astype(np.int64)
        join = join[:k]
        watcher += [np.full(join.size, p), join]
        watched += [join, np.full(join.size, p)]
    e = _edit.edges(org)
    if watcher:
        e = e.add(np.concatenate(watcher), np.concatenate(watched), _edit.COLLEAGUE)
    return _edit.rebuild(org, e, name=_edit.suffix(org, f"{_pct(fraction)} linking pins"))


def flatten(org: Organisation, layers: int = 1, *, level: int = 1) -> Organisation:
    """Remove a management layer: its reports now report to the manager above.

    The managers at ``level`` (people there who manage someone) stay on as
    individual contributors under their own manager; each of their direct
    reports now watches, and is watched by, the removed manager's manager
    on the ``formal`` channel, in place of the removed manager (with the
    latency scales of the formal edges they replace). Everyone below moves
    one level up. Other edges, departments and the head count stay as they
    were. With ``layers > 1``
    the next layer (now at ``level``) goes too. To let the removed managers
    go instead, compose with :func:`remove`.

    Parameters
    ----------
    org : Organisation
        Needs ``manager`` and ``level`` (a hierarchy, a linking-pin
        structure or an org chart).
    layers : int >= 1, default 1
        Number of management layers to remove.
    level : int >= 1, default 1
        The layer removed first (1: the managers right under the top).

    Returns
    -------
    Organisation
        Head count unchanged. The managers above the removed layer watch
        their new reports as well (a wider span: that is the price); the
        removed managers no longer watch their former reports.

    Examples
    --------
    >>> import swarm
    >>> org = swarm.hierarchy(400)            # levels 0-3
    >>> flat = swarm.flatten(org)
    >>> int(flat.level.max()), flat.n, int(flat.attention[0])
    (2, 400, 56)
    """
    org = _org(org)
    layers = check_int("layers", layers, low=1)
    level = check_int("level", level, low=1)
    if org.manager is None or org.level is None:
        raise ValueError(
            f"org must have managers and levels to flatten; the "
            f"{org.name or 'given'} organisation has no chain of command"
        )
    mgr, lev = org.manager.copy(), org.level.copy()
    e = _edit.edges(org)
    for done in range(layers):
        has_reports = np.zeros(org.n, dtype=bool)
        has_reports[mgr[mgr >= 0]] = True
        layer = has_reports & (lev == level)
        if not layer.any():
            raise ValueError(
                f"layers must be at most the management layers at or below "
                f"level {level} of this organisation; removed {done}, and nobody "
                f"at level {level} manages anyone now (got layers={layers})"
            )
        if np.any(mgr[layer] < 0):
            raise ValueError(
                f"level: the managers at level {level} have no manager to hand their reports to"
            )
        reports = layer[np.maximum(mgr, 0)] & (mgr >= 0)
        up = np.where(reports, mgr[np.maximum(mgr, 0)], -1)  # the new manager of each report
        formal = e.channel == _edit.FORMAL
        r_up = formal & reports[e.watcher] & (e.watched == mgr[e.watcher])  # report -> boss
        b_down = formal & reports[e.watched] & (e.watcher == mgr[e.watched])  # boss -> report
        # the new formal pair keeps the old pair's latency scales (1 where that edge is
        # missing, e.g. the removed manager was away)
        s_up, s_down = np.ones(org.n), np.ones(org.n)
        s_up[e.watcher[r_up]] = e.scale[r_up]
        s_down[e.watched[b_down]] = e.scale[b_down]
        r = np.flatnonzero(reports)
        e = e.keep(~(r_up | b_down))
        e = e.add(r, up[r], _edit.FORMAL, scale=s_up[r]).add(
            up[r], r, _edit.FORMAL, scale=s_down[r]
        )
        below = lev > level
        mgr = np.where(reports, up, mgr)
        lev = np.where(below, lev - 1, lev)
    text = "one layer fewer" if layers == 1 else f"{layers} layers fewer"
    return _edit.rebuild(org, e, manager=mgr, level=lev, name=_edit.suffix(org, text))


def _linking_pins(org: Organisation, count: int, seed: SeedLike) -> np.ndarray:
    """The ``count`` strongest messengers of :func:`find_linking_pins`.

    With its default model and shock.
    """
    found = find_linking_pins(org, top=count, seed=seed)
    return np.asarray(found.agents, dtype=np.int64)[:count]


def remove(
    org: Organisation, fraction_or_ids, who: str = "random", seed: SeedLike = None
) -> Organisation:
    """Some people are away (leave, turnover): they neither pass nor receive news.

    The people removed stay in the head count, marked in ``org.absent``:
    every watch edge to or from them is dropped, a :class:`~swarm.Shock`
    never starts with them, and every metric (t50, t90, reach, breakdowns)
    counts only the people present. Nobody steps in for them: their reports
    simply lose that link.

    Parameters
    ----------
    org : Organisation
    fraction_or_ids : float in [0, 1], int >= 0, or sequence of ids
        A float: the share of the group ``who`` to remove (of the people
        present, rounded). An int: that many people of the group. A
        sequence: exactly these people (by ``org.ids``; ``who`` must then be
        left at "random"). Fractions of the same group with the same seed
        are nested: a larger fraction removes the smaller one's people too.
    who : {"random", "managers", "linking_pins"}
        The group to remove from: everyone, the people who manage someone
        (without manager data: those above the lowest level), or the
        linking pins found by :func:`swarm.find_linking_pins` (its top ranks; a
        fraction then counts everyone present).
    seed : None, int, SeedSequence or Generator

    Returns
    -------
    Organisation
        Same head count ``n``, with ``absent`` marked; people who watched the
        absent watch fewer.

    Raises
    ------
    ValueError
        If nobody would be left present, or on a bad fraction, count or ``who``.

    Examples
    --------
    >>> import swarm
    >>> org = swarm.hierarchy(400)
    >>> away = swarm.remove(org, 2, who="managers", seed=1)
    >>> away.n, int(away.absent.sum())
    (400, 2)
    >>> swarm.remove(org, []) == org
    True
    """
    org = _org(org)
    check_choice("who", who, REMOVED)
    x = fraction_or_ids
    away = np.zeros(org.n, dtype=bool) if org.absent is None else org.absent.copy()
    if isinstance(x, bool):
        raise TypeError(
            f"fraction_or_ids must be a fraction, a count or a sequence of ids, got {x!r}"
        )
    if isinstance(x, (str, bytes)) or not isinstance(x, (numbers.Real, Sequence, np.ndarray)):
        raise TypeError(
            f"fraction_or_ids must be a fraction, a count or a sequence of ids, "
            f"got {x!r} ({type(x).__name__})"
        )
    if isinstance(x, numbers.Real):
        if who == "linking_pins":
            size = int((~away).sum())
        else:
            size = _edit.group_of(org, who, what="remove").size
        if isinstance(x, numbers.Integral):
            count = check_int("fraction_or_ids (a count)", x, low=0, high=size)
            text = f"{count} {'people' if who == 'random' else who.replace('_', ' ')} away"
        else:
            frac = check_float("fraction_or_ids (a fraction)", x, low=0.0, high=1.0)
            count = _edit.count_of(frac, size)
            text = f"{_pct(frac)} {'' if who == 'random' else who.replace('_', ' ') + ' '}away"
        if count == 0:
            return org
        if who == "linking_pins":
            gone = _linking_pins(org, count, seed)
        else:
            group = _edit.group_of(org, who, what="remove")
            rng = np.random.default_rng(normalise_seed(seed))
            gone = group[rng.permutation(group.size)[:count]]
    else:
        if who != "random":
            raise ValueError(
                f"who applies to a fraction or a count; with explicit ids leave it "
                f"at 'random', got who={who!r}"
            )
        ids = list(np.asarray(x).tolist()) if isinstance(x, np.ndarray) else list(x)
        if not ids:
            return org
        gone = org.index_of(ids)
        text = f"{len(ids)} named people away"
    away[gone] = True
    if away.all():
        raise ValueError(
            f"fraction_or_ids would remove everyone ({org.n} people); at least one "
            "person must stay present"
        )
    return org.replace(absent=away, name=_edit.suffix(org, text))


def champion(
    org: Organisation, who=None, seed: SeedLike = None, *, budget: int | None = None
) -> Organisation:
    """One appointed person relays everything on the internal network.

    The pitfall the interview warns about ("a project owned by one person
    fails"): the whole ``social`` channel becomes a star through one
    champion. Existing social edges are dropped; the champion watches
    everyone present and everyone present watches the champion, on the
    ``social`` channel (where a pair already watched each other, that edge
    moves to the social channel). The champion is a **single point of failure**
    (``swarm.remove(org, [champion_id])`` takes the whole fast channel away)
    and a **bottleneck**: they watch ``n - 1`` people, far beyond the
    budget of seven everyone else keeps. By default the model grants the
    champion unlimited attention (every post seen as fast as any other
    edge), the optimistic case; ``budget`` makes it honest: the champion's
    attention is shared among everyone they watch, so each of those edges
    is ``(n - 1) / budget`` times slower.

    Parameters
    ----------
    org : Organisation
    who : agent id or None
        The champion (by ``org.ids``); ``None``: someone present, drawn from ``seed``.
    seed : None, int, SeedSequence or Generator
    budget : int >= 1 or None, keyword-only
        The champion's attention budget (e.g. 7); ``None``: unlimited.

    Returns
    -------
    Organisation
        Head count unchanged; everyone present watches the champion (one
        more, less any social edges they had), the champion everyone.

    Examples
    --------
    >>> import swarm
    >>> org = swarm.hierarchy(400)
    >>> new = swarm.champion(org, who=17)
    >>> int(new.attention[17]), int(new.attention.sum() - org.attention.sum())
    (399, 782)
    """
    org = _org(org)
    if budget is not None:
        budget = check_int("budget", budget, low=1)
    present = org.present
    if who is None:
        c = int(present[np.random.default_rng(normalise_seed(seed)).integers(present.size)])
    else:
        c = int(org.index_of([who])[0])
        if org.absent is not None and org.absent[c]:
            raise ValueError(f"who: agent {who!r} is absent and cannot be the champion")
    others = present[present != c]
    e = _edit.edges(org)
    e = e.keep(e.channel != _edit.SOCIAL)
    scale = 1.0 if budget is None else max(1.0, others.size / budget)
    e = e.add(others, np.full(others.size, c), _edit.SOCIAL)
    e = e.add(np.full(others.size, c), others, _edit.SOCIAL, scale=scale)
    label = org.ids[c].item() if isinstance(org.ids[c], np.generic) else org.ids[c]
    text = f"champion {label}" + ("" if budget is None else f" (budget {budget})")
    return _edit.rebuild(org, e, new_wins=True, name=_edit.suffix(org, text))
