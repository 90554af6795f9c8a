"""Reading Django's models and SQL compiler: relations, joins, WHERE trees, subqueries, shapes.

Nothing here walks the stack; ``ormwatch._stack`` hands these modules the
QuerySet and compiler it found and gets back plain data for ``OrmContext``.
"""
