"""What the GraphQL fields need beyond one domain call: dataloaders, visibility fetchers for
`node`, paging cursors, uploads and per-request values (tokens, rate limits, settings).

A mutation that is one domain command has no resolver: its field calls the domain function
through `schema.commands.perform`, which loads the viewer and decodes the input's ids; a read
that is one domain query of the viewer's goes through `schema.commands.ask` the same way. A
resolver here exists for a reason: batching (a DataLoader per operation), a fetcher of the node
table (schema/nodes.py), files to read, a session to issue, a rate limit to charge. Resolvers know
nothing of strawberry types: they take a RequestScope and plain values and return ORM rows or
domain results, which schema/ wraps. Who may see or do what is decided in community/ and
marketplace/ (their `policies` modules and domain functions), never here.
"""
