"""Run every benchmark in turn: ``python -m bench``."""

import subprocess
import sys

BENCHMARKS = ["bench.pages", "bench.signups"]


def main():
    failures = 0
    for module in BENCHMARKS:
        print(f"== {module}", flush=True)
        failures += subprocess.call([sys.executable, "-m", module, *sys.argv[1:2]]) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
