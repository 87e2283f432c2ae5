"""Run every benchmark in turn: ``python -m bench``."""

import subprocess
import sys

BENCHMARKS = ["bench.pages", "bench.signups", "bench.mentoring", "bench.exports"]


def main():
    failures = 0
    for module in BENCHMARKS:
        print(f"== {module}", flush=True)
        command = [sys.executable, "-m", module]  # fixed module names, no user input
        failures += subprocess.call(command) != 0  # noqa: S603
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
