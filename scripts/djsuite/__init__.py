"""Django's own test suite run twice, plain and under ormwatch (``scripts/django_suite.py``)."""
