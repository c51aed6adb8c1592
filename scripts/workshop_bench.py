"""Time the workshop engine's answer to one move (no browser): p50/p95 per activity.

    .venv/bin/python scripts/workshop_bench.py [--moves 20] [--seed 1]

For each activity: the baseline first (cold), then ``--moves`` random moves on the
controls' step grid. A move not seen before runs the full year and assesses it
(``miss``); a state seen before comes from the cache (``hit``). Prints a table.
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np

from workshop.activities import activities
from workshop.engine import outcome


def _random_values(a, rng: random.Random) -> dict:
    out = {}
    for c in a.controls:
        n = int(round((c.max - c.min) / c.step))
        out[c.id] = c.min + rng.randint(0, n) * c.step
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    heads = ("baseline s", 10), ("misses", 6), ("p50 s", 7), ("p95 s", 7), ("hits", 5), ("hit p95 ms", 10)
    print(f"{'activity':26s} " + " ".join(f"{h:>{w}s}" for h, w in heads))
    all_miss = []
    for a in activities().values():
        started = time.perf_counter()
        outcome(a)
        base_s = time.perf_counter() - started
        seen, miss, hit = set(), [], []
        for _ in range(args.moves):
            values = _random_values(a, rng) if rng.random() < 0.7 or not seen else dict(rng.choice(sorted(seen)))
            key = tuple(sorted(values.items()))
            started = time.perf_counter()
            outcome(a, values)
            (hit if key in seen else miss).append(time.perf_counter() - started)
            seen.add(key)
        all_miss += miss
        p = np.percentile(miss, [50, 95]) if miss else [np.nan, np.nan]
        hp = np.percentile(hit, 95) * 1000 if hit else np.nan
        print(f"{a.id:26s} {base_s:10.2f} {len(miss):6d} {p[0]:7.2f} {p[1]:7.2f} {len(hit):5d} {hp:10.1f}")
    p = np.percentile(all_miss, [50, 95])
    print(f"{'all (cache misses)':26s} {'':10s} {len(all_miss):6d} {p[0]:7.2f} {p[1]:7.2f}")


if __name__ == "__main__":
    main()
