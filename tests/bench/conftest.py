"""The bench's tests need no GridPoints database: the suite's per-test one is not set up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def clean_database() -> Iterator[None]:
    yield
