"""The pytest plugin's implementation; ``ormwatch.pytest_plugin`` is the entry point."""
