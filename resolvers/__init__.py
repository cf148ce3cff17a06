"""Thin resolvers per domain (decode, call one domain function, return rows) and dataloaders.

Resolvers know nothing of strawberry types: they take a RequestScope and plain values and
return ORM rows or domain results, which schema/ wraps into GraphQL types.
"""
