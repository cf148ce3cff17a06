"""The node table (schema/nodes.py) covers exactly the schema's Node types."""

from __future__ import annotations

from graphql import GraphQLObjectType

from schema.nodes import NODES
from schema.root import build_schema


def test_every_node_type_has_one_row_in_the_node_table() -> None:
    schema = build_schema()._schema
    node = schema.get_type("Node")
    implementing = {
        name
        for name, kind in schema.type_map.items()
        if isinstance(kind, GraphQLObjectType) and node in kind.interfaces
    }
    assert implementing == set(NODES)
