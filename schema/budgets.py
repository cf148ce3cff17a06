"""A mutation request is charged for every mutation field it holds, before the first runs.

Aliases let one request hold many mutations (`a: register(...) b: register(...)` ...), so
the budget is counted per field, not per request, and a request over budget runs none of
them. Anonymous callers are counted by client address; `register` and `login` also against
their per-address limits; and a request may check at most one password: each costs ~100 ms
of CPU, and nobody logs in twice in one request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult
from strawberry.types.graphql import OperationType

from resolvers.rate_limits import RateLimit
from resolvers.scope import RequestScope
from schema.codes import TopLevelCode
from schema.context import Context
from schema.limits import operation_of

PASSWORD_FIELDS = ("register", "login")
MAX_PASSWORD_CHECKS_PER_REQUEST = 1
PER_ADDRESS = {"register": RateLimit.REGISTER_PER_ADDRESS, "login": RateLimit.LOGIN_PER_ADDRESS}


def root_fields(document: DocumentNode, operation_name: str | None) -> Counter[str]:
    """How often each root field of the operation runs: aliases and fragments included."""
    operation = operation_of(document, operation_name)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    counts: Counter[str] = Counter()

    def walk(selection_set: SelectionSetNode, seen: frozenset[str]) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                counts[selection.name.value] += 1
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None and fragment.name.value not in seen:
                    walk(fragment.selection_set, seen | {fragment.name.value})

    if operation is not None:
        walk(operation.selection_set, frozenset())
    return counts


def _refused(message: str) -> ExecutionResult:
    error = GraphQLError(message, extensions={"code": TopLevelCode.RATE_LIMITED.value})
    return ExecutionResult(data=None, errors=[error])


async def charge(scope: RequestScope, fields: Counter[str]) -> str | None:
    """Charge the caller for these mutation fields; why not, when over a budget."""
    fields = Counter({name: n for name, n in fields.items() if not name.startswith("__")})
    if sum(fields[name] for name in PASSWORD_FIELDS) > MAX_PASSWORD_CHECKS_PER_REQUEST:
        return "One request may log in or register once."
    for name, policy in PER_ADDRESS.items():
        if fields[name] and not await scope.allow(policy, scope.client_address, fields[name]):
            return "Too many attempts. Try again later."
    total = sum(fields.values())
    if scope.viewer_id is not None:
        allowed = await scope.allow(RateLimit.MUTATIONS_PER_USER, str(scope.viewer_id), total)
    else:
        allowed = await scope.allow(RateLimit.MUTATIONS_PER_ADDRESS, scope.client_address, total)
    return None if allowed else "Too many attempts. Try again later."


class MutationBudget(SchemaExtension):
    """Refuse a mutation request over the caller's budget before any of its fields runs."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.operation_type == OperationType.MUTATION:
            request: Context = context.context
            refusal = await charge(request.scope, root_fields(document, context.operation_name))
            if refusal is not None:
                context.result = _refused(refusal)
        yield
