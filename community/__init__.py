"""Governance rules: people and roles, the grid tree and who sees what, civic work."""
