"""The example project as tests/test_load.py serves it: same apps and pages, plus a
per-request marker, a thread-pool page and the ``ormwatch`` log as JSON lines."""
