"""Numba kernels of the attribute engine: incremental circle scores, construction and search.

Every circle keeps, per attribute, sums from which its diversity follows in O(attributes):

* set-valued attributes (categorical and multi): ``counts[g, v]`` people with value ``v``,
  ``sq[g, a]`` the sum of squared counts of attribute ``a`` and ``lens[g, a]`` the number of values
  held by the members. The sum over member pairs of ``|A_i ^ A_j| / 2`` is
  ``(size * lens - sq) / 2``.
* numeric attributes (already scaled): ``npres`` members with a value, ``s1`` their sum and ``s2``
  their sum of squares. The sum over member pairs of ``(x_i - x_j) ** 2`` is
  ``npres * s2 - s1 ** 2``.

A move or a swap changes two circles by one or two people, so its gain costs O(values of the people
involved + attributes) whatever the number of people. All functions run unchanged as plain Python
under ``NUMBA_DISABLE_JIT=1``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__: list[str] = []

_EPS = 1e-9
# Constant arguments of the helpers, typed like every other index: a bare literal such as ``-1``
# would make Numba compile a separate copy of the helper for each literal value.
_NOBODY = np.int64(-1)
_IN = np.int64(1)
_OUT = np.int64(-1)
_EVEN = np.int64(0)


@njit(cache=True, nogil=True)
def _has_value(p, v, pv_ptr, pv_val):
    for t in range(pv_ptr[p], pv_ptr[p + 1]):  # noqa: SIM110 - a plain loop compiles in Numba
        if pv_val[t] == v:
            return True
    return False


@njit(cache=True, nogil=True)
def side_gain(g, out_p, in_p, dsize, st, data, dq, dl):
    """Change of circle ``g``'s score when ``out_p`` leaves and ``in_p`` joins (-1: nobody)."""
    size, counts, sq, lens, npres, s1, s2 = st
    pv_ptr, pv_val, val_attr, z, pres, w_set, w_num = data
    dq[:] = 0
    dl[:] = 0
    if out_p >= 0:
        for t in range(pv_ptr[out_p], pv_ptr[out_p + 1]):
            v = pv_val[t]
            if in_p >= 0 and _has_value(in_p, v, pv_ptr, pv_val):
                continue
            a = val_attr[v]
            dq[a] += 1 - 2 * counts[g, v]
            dl[a] -= 1
    if in_p >= 0:
        for t in range(pv_ptr[in_p], pv_ptr[in_p + 1]):
            v = pv_val[t]
            if out_p >= 0 and _has_value(out_p, v, pv_ptr, pv_val):
                continue
            a = val_attr[v]
            dq[a] += 1 + 2 * counts[g, v]
            dl[a] += 1
    s_old = size[g]
    s_new = s_old + dsize
    gain = 0.0
    for a in range(w_set.shape[0]):
        after = s_new * (lens[g, a] + dl[a]) - (sq[g, a] + dq[a])
        before = s_old * lens[g, a] - sq[g, a]
        gain += w_set[a] * 0.5 * (after - before)
    for k in range(w_num.shape[0]):
        n0 = npres[g, k]
        a1 = s1[g, k]
        a2 = s2[g, k]
        n1 = n0
        b1 = a1
        b2 = a2
        if out_p >= 0:
            n1 -= pres[out_p, k]
            b1 -= z[out_p, k]
            b2 -= z[out_p, k] * z[out_p, k]
        if in_p >= 0:
            n1 += pres[in_p, k]
            b1 += z[in_p, k]
            b2 += z[in_p, k] * z[in_p, k]
        gain += w_num[k] * ((n1 * b2 - b1 * b1) - (n0 * a2 - a1 * a1))
    return gain


@njit(cache=True, nogil=True)
def _update(g, p, sign, st, data):
    size, counts, sq, lens, npres, s1, s2 = st
    pv_ptr, pv_val, val_attr, z, pres, _, w_num = data
    for t in range(pv_ptr[p], pv_ptr[p + 1]):
        v = pv_val[t]
        a = val_attr[v]
        c = counts[g, v]
        if sign > 0:
            sq[g, a] += 2 * c + 1
        else:
            sq[g, a] += 1 - 2 * c
        counts[g, v] = c + sign
        lens[g, a] += sign
    for k in range(w_num.shape[0]):
        npres[g, k] += sign * pres[p, k]
        s1[g, k] += sign * z[p, k]
        s2[g, k] += sign * z[p, k] * z[p, k]
    size[g] += sign


@njit(cache=True, nogil=True)
def place(p, g, assign, members, pos, st, data):
    """Put person ``p`` (currently in no circle) into circle ``g``."""
    size = st[0]
    members[g, size[g]] = p
    pos[p] = size[g]
    assign[p] = g
    _update(g, p, _IN, st, data)


@njit(cache=True, nogil=True)
def _take_out(p, assign, members, pos, st, data):
    size = st[0]
    g = assign[p]
    last = members[g, size[g] - 1]
    members[g, pos[p]] = last
    pos[last] = pos[p]
    members[g, size[g] - 1] = -1
    _update(g, p, _OUT, st, data)
    assign[p] = -1


@njit(cache=True, nogil=True)
def move(p, g, assign, members, pos, st, data):
    """Move person ``p`` to circle ``g``."""
    _take_out(p, assign, members, pos, st, data)
    place(p, g, assign, members, pos, st, data)


@njit(cache=True, nogil=True)
def fits(p, g, ignore, assign, adj_ptr, adj):
    """True when nobody separated from ``p`` (other than ``ignore``) is in circle ``g``."""
    for t in range(adj_ptr[p], adj_ptr[p + 1]):
        q = adj[t]
        if q != ignore and assign[q] == g:
            return False
    return True


@njit(cache=True, nogil=True)
def _open_layer(capacity, size, layer):
    """Circles with room whose size is the smallest among them: the next layer to fill."""
    n_circles = capacity.shape[0]
    level = -1
    for g in range(n_circles):
        if size[g] < capacity[g] and (level < 0 or size[g] < level):
            level = size[g]
    count = 0
    for g in range(n_circles):
        if size[g] < capacity[g] and size[g] == level:
            layer[count] = g
            count += 1
    return count


@njit(cache=True, nogil=True)
def _fallback(p, capacity, assign, size, adj_ptr, adj):
    """Any circle with room where ``p`` meets nobody they are separated from, else -1."""
    for g in range(capacity.shape[0]):
        if size[g] < capacity[g] and fits(p, g, _NOBODY, assign, adj_ptr, adj):
            return g
    return -1


@njit(cache=True, nogil=True)
def _best_in_layer(p, layer, n_open, samples, assign, st, data, adj_ptr, adj, dq, dl):
    """Position in ``layer`` of the circle ``p`` should join, or -1 when none of them fits.

    Looks at every open circle when there are at most ``samples``, else at ``samples`` random
    ones (then at all of them if none of those fits), and keeps the largest insertion gain.
    """
    best = -np.inf
    best_i = -1
    exhaustive = n_open <= samples
    for s in range(n_open if exhaustive else samples):
        i = s if exhaustive else np.random.randint(n_open)
        g = layer[i]
        if not fits(p, g, _NOBODY, assign, adj_ptr, adj):
            continue
        gain = side_gain(g, _NOBODY, p, _IN, st, data, dq, dl)
        if gain > best:
            best, best_i = gain, i
    if best_i < 0 and not exhaustive:
        for i in range(n_open):
            if fits(p, layer[i], _NOBODY, assign, adj_ptr, adj):
                return i
    return best_i


@njit(cache=True, nogil=True)
def deal(order, capacity, samples, seed, assign, members, pos, st, data, adj_ptr, adj):
    """Place people in ``order`` layer by layer, each into the best of a few sampled circles.

    Steps: (1) a layer is every circle with room and the smallest size; (2) each person looks at
    up to ``samples`` random circles of the layer where they meet nobody they are separated from
    and joins the one their values add most diversity to (circles of one layer have the same
    size, so their insertion gains compare fairly, and every value tends to go where it is
    rarest); (3) when the layer is full, the next one opens. A person who fits nowhere in the
    layer takes any circle with room that fits, or else the layer's first circle (a clash).
    Returns the number of clashes, which ``repair`` removes.
    """
    np.random.seed(seed)
    size = st[0]
    n_set = data[5].shape[0]
    dq = np.zeros(n_set, dtype=np.int64)
    dl = np.zeros(n_set, dtype=np.int64)
    layer = np.empty(capacity.shape[0], dtype=np.int64)
    n_open = 0
    clashes = 0
    for p in order:
        if n_open == 0:
            n_open = _open_layer(capacity, size, layer)
        i = _best_in_layer(p, layer, n_open, samples, assign, st, data, adj_ptr, adj, dq, dl)
        if i >= 0:
            g = layer[i]
        else:
            g = _fallback(p, capacity, assign, size, adj_ptr, adj)
            if g < 0:
                g = layer[0]
                clashes += 1
            i = 0
            while i < n_open and layer[i] != g:
                i += 1
        if i < n_open:  # the circle was open in this layer: close it
            n_open -= 1
            layer[i] = layer[n_open]
        place(p, g, assign, members, pos, st, data)
    return clashes


@njit(cache=True, nogil=True)
def count_clashes(assign, adj_ptr, adj):
    """Number of separated pairs sharing a circle."""
    total = 0
    for p in range(assign.shape[0]):
        for t in range(adj_ptr[p], adj_ptr[p + 1]):
            if adj[t] > p and assign[adj[t]] == assign[p]:
                total += 1
    return total


@njit(cache=True, nogil=True)
def _swap(p, q, assign, members, pos, st, data):
    """Exchange ``p`` and ``q`` in place, so full circles never overflow."""
    a = assign[p]
    b = assign[q]
    members[a, pos[p]] = q
    members[b, pos[q]] = p
    pos[p], pos[q] = pos[q], pos[p]
    assign[p] = b
    assign[q] = a
    _update(a, p, _OUT, st, data)
    _update(a, q, _IN, st, data)
    _update(b, q, _OUT, st, data)
    _update(b, p, _IN, st, data)


@njit(cache=True, nogil=True)
def repair(movable, lo, hi, tries, seed, assign, members, pos, st, data, adj_ptr, adj):
    """Swap or move people out of circles where they meet someone they are separated from.

    Each accepted change removes at least one clash and adds none. Returns the clashes left.
    """
    np.random.seed(seed)
    size = st[0]
    n_movable = movable.shape[0]
    is_movable = np.zeros(assign.shape[0], dtype=np.bool_)
    for p in movable:
        is_movable[p] = True
    for _ in range(tries):
        if count_clashes(assign, adj_ptr, adj) == 0:
            return 0
        for p in range(assign.shape[0]):
            if not is_movable[p] or fits(p, assign[p], _NOBODY, assign, adj_ptr, adj):
                continue
            a = assign[p]
            for _attempt in range(64):
                q = movable[np.random.randint(n_movable)]
                b = assign[q]
                if b == a or not fits(p, b, q, assign, adj_ptr, adj):
                    continue
                if size[a] > lo and size[b] < hi and fits(p, b, _NOBODY, assign, adj_ptr, adj):
                    move(p, b, assign, members, pos, st, data)
                    break
                if fits(q, a, p, assign, adj_ptr, adj):
                    _swap(p, q, assign, members, pos, st, data)
                    break
    return count_clashes(assign, adj_ptr, adj)


@njit(cache=True, nogil=True)
def _misplaced(p, g, cap, centre, tol, st, data):
    """True when ``p`` makes circle ``g`` less diverse than an even spread would.

    Either one of ``p``'s diversified values is held by more people in ``g`` than an even spread
    of that value over the circles would give (``cap``), or, on a diversified numeric attribute,
    the circle's mean is more than ``tol`` away from the block's mean (``centre``) and ``p``
    pulls it further away: an uneven mean is what keeps a numeric attribute below its bound.
    """
    _, counts, _, _, npres, s1, _ = st
    pv_ptr, pv_val, val_attr, z, pres, w_set, w_num = data
    for t in range(pv_ptr[p], pv_ptr[p + 1]):
        v = pv_val[t]
        if w_set[val_attr[v]] > 0 and counts[g, v] > cap[v]:
            return True
    for k in range(w_num.shape[0]):
        if w_num[k] <= 0 or pres[p, k] == 0 or npres[g, k] == 0:
            continue
        drift = s1[g, k] / npres[g, k] - centre[k]
        if abs(drift) > tol[k] and drift * (z[p, k] - centre[k]) > 0:
            return True
    return False


@njit(cache=True, nogil=True)
def sampled_search(
    movable, lo, hi, n_iters, samples, cap, centre, tol, explore, seed, assign, members, pos,
    st, data, adj_ptr, adj,
):  # fmt: skip
    """Randomised local search: per step, the best of ``samples`` moves and swaps of one person.

    Steps focus on misplaced people (see ``_misplaced``); any other person is tried with
    probability ``explore`` (aligned attributes have no such test). A step is applied when it
    does not lower the objective (sideways steps let the search drift across plateaus).
    Returns the total gain.
    """
    np.random.seed(seed)
    size = st[0]
    dq = np.zeros(data[5].shape[0], dtype=np.int64)
    dl = np.zeros(data[5].shape[0], dtype=np.int64)
    n_movable = movable.shape[0]
    threshold = -_EPS
    total = 0.0
    done = 0
    for _ in range(n_iters * 50):
        if done >= n_iters:
            break
        p = movable[np.random.randint(n_movable)]
        a = assign[p]
        if not _misplaced(p, a, cap, centre, tol, st, data) and np.random.random() >= explore:
            continue
        done += 1
        best = threshold
        best_q = -1
        best_is_move = False
        for _s in range(samples):
            q = movable[np.random.randint(n_movable)]
            b = assign[q]
            if b == a:
                continue
            # Score first: most candidates lose on the score, and the separation test reads
            # the circles of everyone separated from p or q (scattered memory).
            if size[a] > lo and size[b] < hi:
                gain = side_gain(a, p, _NOBODY, _OUT, st, data, dq, dl)
                gain += side_gain(b, _NOBODY, p, _IN, st, data, dq, dl)
                if gain > best and fits(p, b, _NOBODY, assign, adj_ptr, adj):
                    best, best_q, best_is_move = gain, q, True
            gain = side_gain(a, p, q, _EVEN, st, data, dq, dl)
            gain += side_gain(b, q, p, _EVEN, st, data, dq, dl)
            if (
                gain > best
                and fits(p, b, q, assign, adj_ptr, adj)
                and fits(q, a, p, assign, adj_ptr, adj)
            ):
                best, best_q, best_is_move = gain, q, False
        if best_q < 0:
            continue
        if best_is_move:
            move(p, assign[best_q], assign, members, pos, st, data)
        else:
            _swap(p, best_q, assign, members, pos, st, data)
        total += best
    return total


@njit(cache=True, nogil=True)
def full_descent(movable, lo, hi, max_passes, assign, members, pos, st, data, adj_ptr, adj):
    """Best-improvement descent over all moves and swaps of each person until none improves.

    O(people ** 2) per pass: meant for blocks of up to a few thousand people. Returns the total
    gain and whether a local maximum was reached within ``max_passes``.
    """
    size = st[0]
    n_circles = size.shape[0]
    dq = np.zeros(data[5].shape[0], dtype=np.int64)
    dl = np.zeros(data[5].shape[0], dtype=np.int64)
    total = 0.0
    for _ in range(max_passes):
        improved = False
        for p in movable:
            a = assign[p]
            best = _EPS
            best_q = -1
            best_b = -1
            for q in movable:
                b = assign[q]
                if b == a:
                    continue
                if fits(p, b, q, assign, adj_ptr, adj) and fits(q, a, p, assign, adj_ptr, adj):
                    gain = side_gain(a, p, q, _EVEN, st, data, dq, dl)
                    gain += side_gain(b, q, p, _EVEN, st, data, dq, dl)
                    if gain > best:
                        best, best_q, best_b = gain, q, -1
            if size[a] > lo:
                leave = side_gain(a, p, _NOBODY, _OUT, st, data, dq, dl)
                for b in range(n_circles):
                    if b == a or size[b] >= hi or not fits(p, b, _NOBODY, assign, adj_ptr, adj):
                        continue
                    gain = leave + side_gain(b, _NOBODY, p, _IN, st, data, dq, dl)
                    if gain > best:
                        best, best_q, best_b = gain, -1, b
            if best_q >= 0:
                _swap(p, best_q, assign, members, pos, st, data)
            elif best_b >= 0:
                move(p, best_b, assign, members, pos, st, data)
            else:
                continue
            total += best
            improved = True
        if not improved:
            return total, True
    return total, False


@njit(cache=True, nogil=True)
def perturb(movable, strength, seed, assign, members, pos, st, data, adj_ptr, adj):
    """Apply ``strength`` random swaps that keep every separation rule; returns the gain."""
    np.random.seed(seed)
    dq = np.zeros(data[5].shape[0], dtype=np.int64)
    dl = np.zeros(data[5].shape[0], dtype=np.int64)
    n_movable = movable.shape[0]
    total = 0.0
    done = 0
    for _ in range(strength * 20):
        if done >= strength:
            break
        p = movable[np.random.randint(n_movable)]
        q = movable[np.random.randint(n_movable)]
        a = assign[p]
        b = assign[q]
        if a == b or not fits(p, b, q, assign, adj_ptr, adj):
            continue
        if not fits(q, a, p, assign, adj_ptr, adj):
            continue
        total += side_gain(a, p, q, _EVEN, st, data, dq, dl)
        total += side_gain(b, q, p, _EVEN, st, data, dq, dl)
        _swap(p, q, assign, members, pos, st, data)
        done += 1
    return total


@njit(cache=True, nogil=True)
def rebuild(target, assign, members, pos, st, data):
    """Reset the circles' sums and members to the assignment ``target``."""
    size, counts, sq, lens, npres, s1, s2 = st
    size[:] = 0
    counts[:] = 0
    sq[:] = 0
    lens[:] = 0
    npres[:] = 0.0
    s1[:] = 0.0
    s2[:] = 0.0
    members[:] = -1
    assign[:] = -1
    for p in range(target.shape[0]):
        place(p, target[p], assign, members, pos, st, data)
