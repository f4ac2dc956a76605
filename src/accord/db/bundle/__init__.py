"""The audit bundle's standalone files: the verifier script and its documentation."""
