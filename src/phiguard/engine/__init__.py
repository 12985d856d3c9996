"""The linting pipeline: ``linter`` (the :class:`~phiguard.engine.linter.Linter` that drives it),
``nlp`` (the spaCy models and Presidio's analyzer, loaded per language), ``findings`` (the one place a
finding is built)."""
