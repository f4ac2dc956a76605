"""The `accord` command line: thin commands over the engine, importers and reports."""
