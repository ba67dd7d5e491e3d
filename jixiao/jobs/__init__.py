"""Background jobs: a table the product owns (what was asked, by whom, for what,
how far it has come, what went wrong) and the runners that execute them —
Procrastinate workers on PostgreSQL, a worker thread of the serving process with
SQLite, or at once (tests). docs/adr/0007-job-system.md."""
