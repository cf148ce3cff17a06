"""The GraphQL shape: types, inputs and payloads per domain; root.py assembles the schema."""
