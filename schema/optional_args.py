"""Optional arguments and input fields print as the contract writes them: `first: Int`, not
`first: Int = null`.

Strawberry gives every `x: T | None = None` a GraphQL default of null, which the SDL prints
and introspection reports (46 "dangerous" default-value changes against the contract). For a
nullable argument, leaving it out and passing null mean the same to our resolvers: strawberry
passes only the arguments a client sent, and Python's default (None) fills in the rest. So the
null defaults are dropped from the built schema; every other default stays.
"""

from __future__ import annotations

from graphql import GraphQLInputObjectType, GraphQLObjectType, GraphQLSchema, Undefined
from graphql.type.definition import GraphQLArgument, GraphQLInputField, GraphQLInterfaceType


def _drop_null_default(value: GraphQLArgument | GraphQLInputField) -> None:
    if value.default_value is None:
        value.default_value = Undefined


def drop_null_defaults(schema: GraphQLSchema) -> None:
    for named in schema.type_map.values():
        if named.name.startswith("__"):
            continue
        if isinstance(named, GraphQLInputObjectType):
            for input_field in named.fields.values():
                _drop_null_default(input_field)
        elif isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for output_field in named.fields.values():
                for argument in output_field.args.values():
                    _drop_null_default(argument)
    for directive in schema.directives:
        for argument in directive.args.values():
            _drop_null_default(argument)
