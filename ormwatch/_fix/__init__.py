"""Writing fixes: reading the user's source around a line and composing the code to type there.

``_source`` parses the function around a call site (ast, cached), ``_chain``
takes a queryset chain apart and rebuilds it, ``_compose`` writes eager-loading
and deferred-field fixes and finds the line that builds a queryset,
``_exists`` and ``_join_rewrite`` write ``Exists()`` and join rewrites, and
``_view_origin`` finds where a view or ``ModelAdmin`` sets its queryset.
"""
