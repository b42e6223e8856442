"""Which generated module implements each operation, keyed by "METHOD /path/{param}/".

Written by scripts/generate.py from the generated modules; do not edit.
"""

OPERATIONS: dict[str, str] = {
    "GET /test_framework/v1/results/{id}/": "cekura_openapi.api.test_framework.results_retrieve",
}
