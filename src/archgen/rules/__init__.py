"""The rule catalogue: one module per rule, found by the registry."""
