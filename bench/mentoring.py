"""Suggested mentoring pairs for a whole pool: the optimal assignment against greedy.

    python -m bench.mentoring [--mentees 2000] [--mentors 400] [--capacity 5] [--repeat 3]

Builds a reproducible random pool (30 goal and 40 interest keywords, 21 time slots, three
languages, four experience levels), times ``matching.suggest_pairs`` (scores of every pair,
then scipy's ``linear_sum_assignment`` over each mentor's places) and prints the pairs
suggested and their total score next to a globally greedy baseline (best pair first). The
optimum's total can never be below greedy's; the exit status is 1 if it were, or if a
mentor were given more mentees than places.
"""

import argparse
import random
import statistics
import time
from collections import Counter

GOALS = [f"meta {i}" for i in range(30)]
INTERESTS = [f"interés {i}" for i in range(40)]
SLOTS = [
    f"{day}_{part}"
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for part in ("am", "pm", "ev")
]
LANGUAGES = ["español", "português", "english"]


def pool(mentees, mentors, capacity, seed=2026):
    from tutoria_cms.mentoring.matching import Candidate

    rng = random.Random(seed)

    def person(key, level, places):
        return Candidate(
            key=key,
            goals=rng.sample(GOALS, 3),
            interests=rng.sample(INTERESTS, 4),
            experience=level,
            availability=rng.sample(SLOTS, 5),
            languages=rng.sample(LANGUAGES, rng.randint(1, 2)),
            capacity=places,
        )

    return (
        [person(i, rng.randint(1, 3), capacity) for i in range(mentors)],
        [person(100_000 + i, rng.randint(0, 1), 1) for i in range(mentees)],
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=400)
    parser.add_argument("--capacity", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--minimum", type=float, default=30)
    args = parser.parse_args(argv)
    from tutoria_cms.mentoring.matching import greedy_pairs, suggest_pairs, total_score

    mentors, mentees = pool(args.mentees, args.mentors, args.capacity)
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        optimal = suggest_pairs(mentors, mentees, minimum_score=args.minimum)
        timings.append(time.perf_counter() - start)
    start = time.perf_counter()
    greedy = greedy_pairs(mentors, mentees, minimum_score=args.minimum)
    greedy_time = time.perf_counter() - start
    seconds = statistics.median(timings)
    load = Counter(s.mentor.key for s in optimal)
    over = max(load.values(), default=0) > args.capacity
    print(
        f"mentoring: {args.mentees} mentees x {args.mentors} mentors (capacity "
        f"{args.capacity}): {len(optimal)} pairs suggested in {seconds:.2f} s "
        f"(median of {args.repeat})"
    )
    print(
        f"total score: optimal {total_score(optimal):.1f} ({len(optimal)} pairs), greedy "
        f"{total_score(greedy):.1f} ({len(greedy)} pairs, {greedy_time:.2f} s); "
        f"optimal/greedy = {total_score(optimal) / max(total_score(greedy), 1):.4f}; "
        f"over capacity: {'YES' if over else 'NO'}"
    )
    return 1 if over or total_score(optimal) < total_score(greedy) else 0


if __name__ == "__main__":
    raise SystemExit(main())
