"""Settings from the environment: every GRIDPOINTS_* variable by its exact name, bad values
refused naming the variable, and `Settings(...)` reading nothing but what it is given."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.settings import DEVELOPMENT_CORS_ORIGINS, DEVELOPMENT_SECRET, Settings, SettingsError

STRONG = "s" * 40
WHOLE = "{variable} must be a whole number,"
NUMBER = "{variable} must be a number,"


@pytest.fixture(autouse=True)
def no_gridpoints_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [*Settings.model_fields, "test_database_url"]:
        monkeypatch.delenv(f"GRIDPOINTS_{name.upper()}", raising=False)


def test_the_defaults_without_any_variable() -> None:
    settings = Settings.from_env()
    assert type(settings) is Settings
    assert settings == Settings()
    assert (settings.env, settings.database_pool_size, settings.jwt_secret) == (
        "development",
        10,
        DEVELOPMENT_SECRET,
    )
    assert settings.cors_origins == tuple(DEVELOPMENT_CORS_ORIGINS.split(","))
    assert (settings.redis_url, settings.public_url, settings.web_dist) == (None, None, None)


@pytest.mark.parametrize(
    ("variable", "raw", "message"),
    [
        ("ENV", "staging", "GRIDPOINTS_ENV must be 'development' or 'production'"),
        (
            "DATABASE_POOL_SIZE",
            "ten",
            "GRIDPOINTS_DATABASE_POOL_SIZE must be a whole number, got 'ten'",
        ),
        ("MAX_HEADERS", "1.5", "GRIDPOINTS_MAX_HEADERS must be a whole number, got '1.5'"),
        ("VOUCHER_DAYS", "", "GRIDPOINTS_VOUCHER_DAYS must be a whole number, got ''"),
        ("RATE_LIMIT_SCALE", "fast", "GRIDPOINTS_RATE_LIMIT_SCALE must be a number, got 'fast'"),
        (
            "REDIS_TIMEOUT_SECONDS",
            "0,2",
            "GRIDPOINTS_REDIS_TIMEOUT_SECONDS must be a number, got '0,2'",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(
    variable: str, raw: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"GRIDPOINTS_{variable}", raw)
    with pytest.raises(SettingsError) as refused:
        Settings.from_env()
    assert str(refused.value) == message.format(variable=f"GRIDPOINTS_{variable}")


@pytest.mark.parametrize(
    "environment",
    [
        {},
        {"GRIDPOINTS_JWT_SECRET": "short"},
        {"GRIDPOINTS_JWT_SECRET": STRONG, "GRIDPOINTS_JWT_PREVIOUS_SECRET": "weak"},
    ],
)
def test_production_refuses_a_weak_secret(
    environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIDPOINTS_ENV", "production")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        Settings.from_env()
    assert str(refused.value) == (
        "In production GRIDPOINTS_JWT_SECRET must be set to a secret of at least 32 bytes "
        "(256 bits)"
    )


def test_values_are_read_and_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "ENV": "production",
        "JWT_SECRET": STRONG,
        "DATABASE_POOL_SIZE": " 12 ",
        "RATE_LIMIT_SCALE": "2.5",
        "REDIS_URL": "",
        "TRUSTED_PROXIES": "10.0.0.1,,192.168.0.0/16",
        "OTEL_ENABLED": "YES",
        "WEB_BUILD": "no",
        "LOG_LEVEL": "debug",
        "CORS_ORIGINS": " https://a.example/ , http://b.example ,",
        "PUBLIC_URL": "https://grid.example/",
        "TRUSTED_DOCUMENTS": "/srv/documents.json",
        "MEDIA_DIR": "/srv/media",
    }.items():
        monkeypatch.setenv(f"GRIDPOINTS_{name}", value)
    settings = Settings.from_env()
    assert settings.model_dump(
        include={
            "env",
            "database_pool_size",
            "rate_limit_scale",
            "redis_url",
            "trusted_proxies",
            "otel_enabled",
            "web_build",
            "log_level",
            "cors_origins",
            "public_url",
            "trusted_documents",
            "media_dir",
        }
    ) == {
        "env": "production",
        "database_pool_size": 12,
        "rate_limit_scale": 2.5,
        "redis_url": None,
        "trusted_proxies": ("10.0.0.1", "192.168.0.0/16"),
        "otel_enabled": True,
        "web_build": False,
        "log_level": "DEBUG",
        "cors_origins": ("https://a.example", "http://b.example"),
        "public_url": "https://grid.example",
        "trusted_documents": Path("/srv/documents.json"),
        "media_dir": Path("/srv/media"),
    }


def test_production_allows_no_cross_origin_browser_unless_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRIDPOINTS_ENV", "production")
    monkeypatch.setenv("GRIDPOINTS_JWT_SECRET", STRONG)
    assert Settings.from_env().cors_origins == ()
    assert Settings(env="production").cors_origins == ()


def test_only_exact_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("gridpoints_voucher_days", "5")
    monkeypatch.setenv("GRIDPOINTS_JWT_ISSUER", "someone-else")  # fixed, not a setting
    settings = Settings.from_env()
    assert (settings.voucher_days, settings.jwt_issuer) == (30, "gridpoints")


def test_code_given_settings_ignore_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDPOINTS_VOUCHER_DAYS", "5")
    assert (Settings().voucher_days, Settings(voucher_days=7).voucher_days) == (30, 7)
    assert Settings.from_env().voucher_days == 5
