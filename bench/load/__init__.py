"""Load and faults: the demo under gunicorn and PostgreSQL, driven by locust.

    python -m bench.load [--users 50] [--duration 60] [--fault-duration 60] [--restart-at 20]

See ``bench/load/__main__.py`` for what it does and the "Load" section of bench/README.md
for figures.
"""
