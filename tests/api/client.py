"""Talking to the real ASGI app over HTTP (httpx), with real tokens."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.services import Services
from gateway.settings import Settings
from models.actor import Actor


def test_settings(media_dir: Path, **overrides: Any) -> Settings:
    return Settings(media_dir=media_dir, **overrides)


@dataclass
class GraphQLClient:
    app: Starlette

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    def token_for(self, actor: Actor | int) -> str:
        user_id = actor if isinstance(actor, int) else actor.user_id
        return self.services.tokens.issue_access_token(user_id)

    def http(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app)
        return httpx.AsyncClient(transport=transport, base_url="http://gridpoints.test")

    async def post(self, body: Any, *, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kwargs.pop("headers", {}))
        async with self.http() as http:
            return await http.post("/graphql", json=body, headers=headers, **kwargs)

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_: Actor | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        """The JSON result of one operation, as `as_` (or with `token`)."""
        if as_ is not None:
            token = self.token_for(as_)
        response = await self.post({"query": query, "variables": variables or {}}, token=token)
        result: dict[str, Any] = response.json()
        return result


def make_client(media_dir: Path, **overrides: Any) -> GraphQLClient:
    return GraphQLClient(create_app(test_settings(media_dir, **overrides)))
