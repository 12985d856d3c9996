"""The linting pipeline: ``linter`` (the :class:`~phiguard.engine.linter.Linter` that drives it) and its
stages: ``texts`` (a post's texts in chunks), ``attachments`` (images), ``nlp`` (the spaCy models and
Presidio's analyzer, loaded per language), ``spans`` (candidates weighed, one finding per stretch)."""
