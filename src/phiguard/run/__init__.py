"""Running phiguard over files: ``check`` (find drafts, read, lint, place, suppress), ``audit``
(archives, post by post), ``selection`` (which files are drafts), ``baseline``, ``workers`` (``-j``
processes), ``linters`` (the caller's cache of Linters) and ``evaluate`` (scoring on labelled corpora)."""
