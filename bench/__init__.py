"""Load and latency benchmarks of the gateway against a bare Starlette + asyncpg baseline.

Run `python -m bench --help`; bench/README.md explains the method and RESULTS.md the numbers.
"""
