"""Which generated module implements each operation, keyed by "METHOD /path/{param}/".

Written by cekura_spec_tools.generate from the generated modules and the spec; do not
edit.
"""

OPERATIONS: dict[str, str] = {
    "GET /test_framework/v1/results/{id}/": "cekura_openapi.api.test_framework.results_retrieve",
}

#: The operations the spec marks ``deprecated: true``.
DEPRECATED: frozenset[str] = frozenset(())
