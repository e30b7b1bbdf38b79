"""The operations of Sohoa, written once and called by every entry point (the CLI, the HTTP API and its
pages): documents, batches, review, search, register links, users and page previews.

A service takes a :class:`~workers.context.Context` (and, for users and batch owners, the app database)
and plain values; it raises the errors of :mod:`workers.errors` and knows nothing of HTTP or argparse.
Auditing stays with the entry point that knows who asked and from where.
"""
