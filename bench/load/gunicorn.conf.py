"""gunicorn's settings for the load bench: none here, all on its command line
(bench/load/__main__.py). Named with ``--config`` so that gunicorn does not load the
repository's gunicorn.conf.py (production's: access log, worker restarts), which would change
what the bench measures."""
