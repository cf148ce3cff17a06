"""The one test harness: snapshots, wallets and the app client every test file shares.

Builders that a single domain needs stay beside its tests (tests/domain/*_helpers.py); what two
or more test folders need lives here, once.
"""
