"""Bad environment values: `Settings.from_env()` refuses them with a message naming the
variable, instead of starting with a default the operator did not ask for."""

from __future__ import annotations

import os

import pytest

from gateway.settings import DEVELOPMENT_SECRET, Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test sets: GRIDPOINTS_* values of the caller's shell would leak in."""
    for name in list(os.environ):
        if name.startswith("GRIDPOINTS_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GRIDPOINTS_DATABASE_POOL_SIZE", "ten"),
        ("GRIDPOINTS_ACCESS_TOKEN_MINUTES", "1.5"),
        ("GRIDPOINTS_REFRESH_TOKEN_DAYS", ""),
        ("GRIDPOINTS_VOUCHER_DAYS", "30d"),
        ("GRIDPOINTS_MAX_HEADERS", "many"),
        ("GRIDPOINTS_REDIS_TIMEOUT_SECONDS", "fast"),
        ("GRIDPOINTS_RATE_LIMIT_SCALE", "x2"),
        ("GRIDPOINTS_JOB_INTERVAL_SECONDS", "soon"),
    ],
)
def test_a_number_that_is_not_one_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(Exception, match=name) as refused:
        Settings.from_env()
    assert type(refused.value).__name__ in ("SettingsError", "ValidationError")


def test_an_unknown_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDPOINTS_ENV", "staging")
    with pytest.raises(Exception, match="ENV"):
        Settings.from_env()


@pytest.mark.parametrize("secret", [None, "short", DEVELOPMENT_SECRET])
def test_production_refuses_a_missing_weak_or_development_secret(
    monkeypatch: pytest.MonkeyPatch, secret: str | None
) -> None:
    monkeypatch.setenv("GRIDPOINTS_ENV", "production")
    if secret is not None:
        monkeypatch.setenv("GRIDPOINTS_JWT_SECRET", secret)
    with pytest.raises(Exception, match="GRIDPOINTS_JWT_SECRET"):
        Settings.from_env()


def test_production_refuses_a_weak_previous_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDPOINTS_ENV", "production")
    monkeypatch.setenv("GRIDPOINTS_JWT_SECRET", "s" * 32)
    monkeypatch.setenv("GRIDPOINTS_JWT_PREVIOUS_SECRET", "old")
    with pytest.raises(Exception, match="GRIDPOINTS_JWT_SECRET"):
        Settings.from_env()


def test_good_values_are_read_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDPOINTS_ENV", "production")
    monkeypatch.setenv("GRIDPOINTS_JWT_SECRET", "s" * 32)
    monkeypatch.setenv("GRIDPOINTS_DATABASE_POOL_SIZE", "7")
    monkeypatch.setenv("GRIDPOINTS_RATE_LIMIT_SCALE", "2.5")
    monkeypatch.setenv("GRIDPOINTS_CORS_ORIGINS", " https://a.example/ ,https://b.example")
    monkeypatch.setenv("GRIDPOINTS_LOG_LEVEL", "debug")
    settings = Settings.from_env()
    assert settings.production
    assert settings.database_pool_size == 7
    assert settings.rate_limit_scale == 2.5
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.log_level == "DEBUG"
