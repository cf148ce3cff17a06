"""Settings read from GRIDPOINTS_* environment variables, with safe development defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite://./gridpoints.sqlite3"
DEVELOPMENT_SECRET = "gridpoints-development-secret-not-for-production!"
MIN_SECRET_BYTES = 32
DEVELOPMENT_CORS_ORIGINS = "http://localhost:5173,http://127.0.0.1:5173"


class SettingsError(RuntimeError):
    """The environment describes a configuration the gateway refuses to run with."""


def _env(name: str, default: str) -> str:
    return os.environ.get(f"GRIDPOINTS_{name}", default)


def _env_int(name: str, default: int) -> int:
    raw = _env(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"GRIDPOINTS_{name} must be a whole number, got {raw!r}") from exc


def _env_float(name: str, default: float) -> float:
    raw = _env(name, str(default))
    try:
        return float(raw)
    except ValueError as exc:
        raise SettingsError(f"GRIDPOINTS_{name} must be a number, got {raw!r}") from exc


def _csv(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _optional_path(raw: str) -> Path | None:
    return Path(raw) if raw else None


def _origins(raw: str) -> tuple[str, ...]:
    return tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())


@dataclass(frozen=True, slots=True)
class Settings:
    env: str = "development"
    database_url: str = DEFAULT_DATABASE_URL
    database_pool_size: int = 10
    redis_url: str | None = None
    redis_timeout_seconds: float = 0.2
    jwt_secret: str = DEVELOPMENT_SECRET
    jwt_previous_secret: str | None = None
    jwt_issuer: str = "gridpoints"
    jwt_audience: str = "gridpoints-apps"
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    media_dir: Path = Path("./media")
    voucher_days: int = 30
    rate_limit_scale: float = 1.0
    job_interval_seconds: float = 30.0
    trusted_proxies: tuple[str, ...] = field(default_factory=tuple)
    otel_enabled: bool = False
    log_level: str = "INFO"
    # The HTTP edge (gateway/edge_*.py, gateway/bodies.py, gateway/persisted.py)
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    public_url: str | None = None
    trusted_documents: Path | None = None
    metrics_token: str | None = None
    header_timeout_seconds: float = 10.0
    max_header_bytes: int = 16 * 1024
    max_headers: int = 100
    persisted_queries_max: int = 1000
    refresh_grace_seconds: float = 30.0
    hold_timeout_days: int = 30
    web_dist: Path | None = None  # None: the repository's web/dist
    web_build: bool = True  # `serve` builds a missing web/dist when npm is there

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def graphiql(self) -> bool:
        return not self.production

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))

    @classmethod
    def from_env(cls) -> Settings:
        env = _env("ENV", "development")
        if env not in ("development", "production"):
            raise SettingsError("GRIDPOINTS_ENV must be 'development' or 'production'")
        secret = os.environ.get("GRIDPOINTS_JWT_SECRET")
        settings = cls(
            env=env,
            database_url=_env("DATABASE_URL", DEFAULT_DATABASE_URL),
            database_pool_size=_env_int("DATABASE_POOL_SIZE", 10),
            redis_url=os.environ.get("GRIDPOINTS_REDIS_URL") or None,
            redis_timeout_seconds=_env_float("REDIS_TIMEOUT_SECONDS", 0.2),
            jwt_secret=secret or DEVELOPMENT_SECRET,
            jwt_previous_secret=os.environ.get("GRIDPOINTS_JWT_PREVIOUS_SECRET") or None,
            access_token_minutes=_env_int("ACCESS_TOKEN_MINUTES", 15),
            refresh_token_days=_env_int("REFRESH_TOKEN_DAYS", 30),
            media_dir=Path(_env("MEDIA_DIR", "./media")),
            voucher_days=_env_int("VOUCHER_DAYS", 30),
            rate_limit_scale=_env_float("RATE_LIMIT_SCALE", 1.0),
            job_interval_seconds=_env_float("JOB_INTERVAL_SECONDS", 30.0),
            trusted_proxies=tuple(p for p in _env("TRUSTED_PROXIES", "").split(",") if p),
            otel_enabled=_env("OTEL_ENABLED", "false").lower() in ("1", "true", "yes"),
            log_level=_env("LOG_LEVEL", "INFO").upper(),
            cors_origins=_origins(
                _env("CORS_ORIGINS", "" if env == "production" else DEVELOPMENT_CORS_ORIGINS)
            ),
            public_url=(_env("PUBLIC_URL", "").rstrip("/") or None),
            trusted_documents=_optional_path(_env("TRUSTED_DOCUMENTS", "")),
            metrics_token=os.environ.get("GRIDPOINTS_METRICS_TOKEN") or None,
            header_timeout_seconds=_env_float("HEADER_TIMEOUT_SECONDS", 10.0),
            max_header_bytes=_env_int("MAX_HEADER_BYTES", 16 * 1024),
            max_headers=_env_int("MAX_HEADERS", 100),
            persisted_queries_max=_env_int("PERSISTED_QUERIES_MAX", 1000),
            refresh_grace_seconds=_env_float("REFRESH_GRACE_SECONDS", 30.0),
            hold_timeout_days=_env_int("HOLD_TIMEOUT_DAYS", 30),
            web_dist=Path(os.environ["GRIDPOINTS_WEB_DIST"])
            if os.environ.get("GRIDPOINTS_WEB_DIST")
            else None,
            web_build=_env("WEB_BUILD", "true").lower() in ("1", "true", "yes"),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse production with a missing, default or weak secret."""
        if not self.production:
            return
        for secret in (self.jwt_secret, self.jwt_previous_secret):
            if secret is None:
                continue
            if secret == DEVELOPMENT_SECRET or len(secret.encode()) < MIN_SECRET_BYTES:
                raise SettingsError(
                    "In production GRIDPOINTS_JWT_SECRET must be set to a secret of at least "
                    f"{MIN_SECRET_BYTES} bytes (256 bits)"
                )
