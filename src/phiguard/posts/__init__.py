"""Post-level checks: a verdict on a whole post rather than a span. ``featured`` (does the post feature
a patient, and is a consent on record), ``ledger`` (consent records and the ledgers that hold them),
``advice`` (personal medical advice to one person)."""
