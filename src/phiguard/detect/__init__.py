"""Span detection: what finds an identifier's candidates in a text and what the context says of them.

``recognizers`` (Presidio recognizers built from the rules' ``detect:``), ``context`` (the context
checks a rule names), ``validators`` (checksums and ranges), ``names``, ``geo`` and ``drugs`` (word
lists the detectors consult), ``images`` (what an attached image says: metadata, visible text, faces).
"""
