"""Rule packs: :mod:`~phiguard.rulepack.schema` says what a rule or lexicon file may contain (and
imports none of the detectors), :mod:`~phiguard.rulepack.loader` reads the folders and checks every
name a rule gives the detectors, :mod:`~phiguard.rulepack.findings` builds every finding from its rule.
Rules load without spaCy or Presidio."""
