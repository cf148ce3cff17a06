"""RFC 8725 token checks, key rotation, and what production mode turns off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest

from gateway.settings import DEVELOPMENT_SECRET, Settings, SettingsError
from gateway.tokens import ALGORITHM, TokenService, key_id
from tests import factories
from tests.api.client import make_client

OLD = "the-old-signing-secret-of-at-least-32-bytes"
NEW = "the-new-signing-secret-of-at-least-32-bytes"


def _claims(**overrides: object) -> dict[str, object]:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": "1",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "iss": "gridpoints",
        "aud": "gridpoints-apps",
        "jti": "x",
        "typ": "access",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict[str, object], secret: str = NEW, **headers: object) -> str:
    return jwt.encode(
        claims, secret, algorithm=ALGORITHM, headers={"kid": key_id(secret), **headers}
    )


def test_a_well_formed_token_is_accepted() -> None:
    assert TokenService(Settings(jwt_secret=NEW)).user_id_from(_sign(_claims())) == 1


@pytest.mark.parametrize("missing", ["sub", "exp", "iat", "iss", "aud", "jti"])
def test_every_required_claim_is_required(missing: str) -> None:
    service = TokenService(Settings(jwt_secret=NEW))
    assert service.user_id_from(_sign(_claims(**{missing: None}))) is None


@pytest.mark.parametrize(
    "claims",
    [
        {"typ": "refresh"},
        {"typ": None},
        {"aud": "someone-else"},
        {"iss": "someone-else"},
        {"exp": datetime.now(UTC) - timedelta(seconds=30)},
        {"sub": "not-a-number"},
    ],
    ids=["refresh-type", "no-type", "audience", "issuer", "expired", "subject"],
)
def test_tokens_failing_a_check_are_refused(claims: dict[str, object]) -> None:
    service = TokenService(Settings(jwt_secret=NEW))
    assert service.user_id_from(_sign(_claims(**claims))) is None


def test_small_clock_skew_is_tolerated() -> None:
    service = TokenService(Settings(jwt_secret=NEW))
    just_expired = _claims(exp=datetime.now(UTC) - timedelta(seconds=3))
    assert service.user_id_from(_sign(just_expired)) == 1


def test_other_algorithms_and_unknown_keys_are_refused() -> None:
    service = TokenService(Settings(jwt_secret=NEW))
    unsigned = jwt.encode(_claims(), None, algorithm="none", headers={"kid": key_id(NEW)})
    hs512 = jwt.encode(_claims(), NEW, algorithm="HS512", headers={"kid": key_id(NEW)})
    unknown_key = _sign(_claims(), secret="a-third-secret-nobody-configured-here")
    assert [service.user_id_from(t) for t in (unsigned, hs512, unknown_key)] == [None] * 3


def test_rotation_keeps_the_previous_key_verifying_while_the_new_one_signs() -> None:
    during = TokenService(Settings(jwt_secret=NEW, jwt_previous_secret=OLD))
    after = TokenService(Settings(jwt_secret=NEW))
    old_token = _sign(_claims(), secret=OLD)
    assert during.user_id_from(old_token) == 1
    assert after.user_id_from(old_token) is None
    issued = during.issue_access_token(5)
    assert jwt.get_unverified_header(issued)["kid"] == key_id(NEW)
    assert after.user_id_from(issued) == 5


@pytest.mark.parametrize("secret", [None, DEVELOPMENT_SECRET, "short-secret"])
def test_production_refuses_a_missing_default_or_weak_secret(
    secret: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRIDPOINTS_ENV", "production")
    if secret is None:
        monkeypatch.delenv("GRIDPOINTS_JWT_SECRET", raising=False)
    else:
        monkeypatch.setenv("GRIDPOINTS_JWT_SECRET", secret)
    with pytest.raises(SettingsError):
        Settings.from_env()


async def test_production_turns_off_introspection_graphiql_and_suggestions(
    tmp_path: Path,
) -> None:
    await factories.community()
    production = make_client(tmp_path, env="production", jwt_secret=NEW)
    development = make_client(tmp_path / "dev")
    async with production.http() as http:
        ide = await http.get("/graphql", headers={"accept": "text/html"})
        schema = await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        typo = await http.post("/graphql", json={"query": "{ mee { id } }"})
    async with development.http() as http:
        dev_ide = await http.get("/graphql", headers={"accept": "text/html"})
        dev_typo = await http.post("/graphql", json={"query": "{ mee { id } }"})
    assert ide.status_code != 200 or "graphiql" not in ide.text.lower()
    assert dev_ide.status_code == 200 and "graphiql" in dev_ide.text.lower()
    assert "data" not in schema.json() or schema.json()["data"] is None
    assert "introspection" in schema.json()["errors"][0]["message"].lower()
    assert typo.json()["errors"][0]["message"] == "Cannot query field 'mee' on type 'Query'."
    assert "Did you mean 'me'?" in dev_typo.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "subject",
    ["0001", "01", "١", "１", "+1", " 1", "1 ", "1.0", "0", "99999999999999999999", ""],
)
def test_only_the_canonical_subject_is_accepted(subject: str) -> None:
    service = TokenService(Settings(jwt_secret=NEW))
    assert service.user_id_from(_sign(_claims(sub="1"))) == 1
    assert service.user_id_from(_sign(_claims(sub=subject))) is None


def test_a_refused_token_says_whether_it_expired() -> None:
    from gateway.tokens import TokenRejected

    service = TokenService(Settings(jwt_secret=NEW))
    expired = _sign(_claims(exp=datetime.now(UTC) - timedelta(minutes=1)))
    codes = []
    for token in (expired, _sign(_claims(sub="01")), "not-a-jwt"):
        with pytest.raises(TokenRejected) as refused:
            service.verify(token)
        codes.append(refused.value.code)
    assert codes == ["TOKEN_EXPIRED", "TOKEN_INVALID", "TOKEN_INVALID"]
