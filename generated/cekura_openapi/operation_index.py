"""Which generated module implements each operation, keyed by "METHOD /path/{param}/".

Written by cekura_spec_tools.generate from the generated modules and the spec; do not
edit.
"""

OPERATIONS: dict[str, str] = {
    "GET /test_framework/v1/results/{id}/": "cekura_openapi.api.test_framework.results_v1_retrieve",
    "GET /test_framework/v2/results/": "cekura_openapi.api.test_framework.results_list",
    "GET /test_framework/v2/results/{id}/": "cekura_openapi.api.test_framework.results_retrieve",
    "POST /test_framework/v2/results/{id}/end_calls/": "cekura_openapi.api.results.end_calls_3",
    "POST /test_framework/v2/results/{id}/rerun/": "cekura_openapi.api.test_framework.results_rerun_create",
    "POST /test_framework/v2/scenarios/run_scenarios/": "cekura_openapi.api.evaluators.scenarios_run_voice_3",
    "POST /test_framework/v2/scenarios/run_scenarios_text/": "cekura_openapi.api.evaluators.scenarios_run_text_3",
}

#: The operations the spec marks ``deprecated: true``.
DEPRECATED: frozenset[str] = frozenset(("GET /test_framework/v1/results/{id}/",))
