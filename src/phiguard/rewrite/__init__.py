"""Rewriting what was found: ``fixes`` (a post's edits, planned from its report and applied),
``files`` (``phiguard fix``: write the rewrites back into the draft files) and ``image``
(``phiguard redact-image``: a copy of a photo without metadata, flagged words covered)."""
