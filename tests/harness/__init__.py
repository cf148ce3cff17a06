"""The one test harness: what two or more test folders need, written once.

- market.py: merchants, offers and funded people, built through the domain functions;
- events.py: an event (tomorrow, two hours, unless told);
- reports.py: a fresh report walked to any status by its people (the one walker);
- snapshots.py / wallets.py: whole-table snapshots and balances, read straight from the tables.

Builders that a single domain needs stay beside its tests (tests/domain/*_helpers.py, which
re-export these for the domain tests); tests/factories.py writes grids and users directly.
"""
