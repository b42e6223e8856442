"""cekura-spec-diff: every classification rule on a minimal fixture pair, the CLI, and the real
upstream history in ../shared/upstream-specs."""

from __future__ import annotations

import copy
import importlib.util
import itertools
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
import yaml

from cekura_spec_tools import diff_cli
from cekura_spec_tools.diff_report import (
    NEIGHBOURS_KEY,
    NEIGHBOURS_TITLE,
    build_report,
    facade_impact,
    to_json,
    to_markdown,
)
from cekura_spec_tools.diff_rules import RULES, Category, rule_table_markdown
from cekura_spec_tools.spec_diff import diff_specs
from cekura_spec_tools.spec_io import decode_document, operations

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = ROOT.parent / "shared" / "upstream-specs"
SPECS = sorted(UPSTREAM.glob("*.json")) if UPSTREAM.is_dir() else []
needs_upstream = pytest.mark.skipif(not SPECS, reason=f"{UPSTREAM} is absent")
needs_generator = pytest.mark.skipif(
    importlib.util.find_spec("openapi_python_client") is None,
    reason="openapi-python-client is not installed (it needs Python 3.11+)",
)


def base() -> dict[str, Any]:
    """A small spec: Thing is sent (POST body) and received (GET response); Status only received."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things/{id}/": {
                "get": {
                    "operationId": "things-retrieve",
                    "parameters": [
                        {
                            "in": "path",
                            "name": "id",
                            "required": True,
                            "schema": {"type": "integer"},
                        },
                        {"in": "query", "name": "expand", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Reading"}
                                }
                            },
                        },
                        "404": {
                            "description": "",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                    },
                }
            },
            "/things/": {
                "post": {
                    "operationId": "things-create",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        }
                    },
                    "responses": {
                        "201": {
                            "description": "",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            },
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Thing": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "description": "The name."},
                        "size": {"type": "integer"},
                        "mode": {"type": "string", "enum": ["a", "b"]},
                    },
                },
                "Reading": {
                    "type": "object",
                    "required": ["status"],
                    "properties": {
                        "status": {"type": "string", "enum": ["ok", "bad"]},
                        "note": {"type": ["string", "null"]},
                        "count": {"type": "integer", "format": "int32"},
                        "parent": {"$ref": "#/components/schemas/Reading"},  # a cycle
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "shape": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                    },
                },
            }
        },
    }


def edit(change: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    old = base()
    new = copy.deepcopy(old)
    change(new)
    return old, new


GET: Callable[[dict[str, Any]], Any] = lambda d: d["paths"]["/things/{id}/"]["get"]  # noqa: E731
POST: Callable[[dict[str, Any]], Any] = lambda d: d["paths"]["/things/"]["post"]  # noqa: E731
THING: Callable[[dict[str, Any]], Any] = lambda d: d["components"]["schemas"]["Thing"]  # noqa: E731
READING: Callable[[dict[str, Any]], Any] = lambda d: d["components"]["schemas"]["Reading"]  # noqa: E731

# (kind, edit of the new spec, expected category, expected message)
CASES: list[tuple[str, Any, Category, str]] = [
    (
        "operation-removed",
        lambda d: d["paths"].pop("/things/"),
        Category.BREAKING,
        "POST /things/: operation removed",
    ),
    (
        "operation-added",
        lambda d: d["paths"].__setitem__("/other/", {"get": {"responses": {}}}),
        Category.NON_BREAKING,
        "GET /other/: operation added",
    ),
    (
        "operation-deprecated",
        lambda d: GET(d).__setitem__("deprecated", True),
        Category.NON_BREAKING,
        "GET /things/{id}/: deprecated",
    ),
    (
        "parameter-added-required",
        lambda d: GET(d)["parameters"].append({"in": "query", "name": "v", "required": True}),
        Category.BREAKING,
        "GET /things/{id}/: query parameter 'v' added (required)",
    ),
    (
        "parameter-added-optional",
        lambda d: GET(d)["parameters"].append({"in": "header", "name": "X-Trace"}),
        Category.NON_BREAKING,
        "GET /things/{id}/: header parameter 'X-Trace' added",
    ),
    (
        "parameter-removed",
        lambda d: GET(d)["parameters"].pop(),
        Category.BREAKING,
        "GET /things/{id}/: query parameter 'expand' removed",
    ),
    (
        "parameter-made-required",
        lambda d: GET(d)["parameters"][1].__setitem__("required", True),
        Category.BREAKING,
        "GET /things/{id}/: query parameter 'expand' is now required",
    ),
    (
        "parameter-made-optional",
        lambda d: GET(d)["parameters"][0].__setitem__("required", False),
        Category.NON_BREAKING,
        "GET /things/{id}/: path parameter 'id' is now optional",
    ),
    (
        "request-body-added-required",
        lambda d: GET(d).__setitem__("requestBody", {"required": True, "content": {}}),
        Category.BREAKING,
        "GET /things/{id}/: request body added",
    ),
    (
        "request-body-added-optional",
        lambda d: GET(d).__setitem__("requestBody", {"content": {}}),
        Category.NON_BREAKING,
        "GET /things/{id}/: request body added",
    ),
    (
        "request-body-removed",
        lambda d: POST(d).pop("requestBody"),
        Category.BREAKING,
        "POST /things/: request body removed",
    ),
    (
        "request-body-made-required",
        lambda d: POST(d)["requestBody"].__setitem__("required", True),
        Category.BREAKING,
        "POST /things/: request body is now required",
    ),
    (
        "media-type-added",
        lambda d: POST(d)["requestBody"]["content"].__setitem__(
            "multipart/form-data", {"schema": {"type": "object"}}
        ),
        Category.NON_BREAKING,
        "POST /things/: request body media type multipart/form-data added",
    ),
    (
        "media-type-removed",
        lambda d: GET(d)["responses"]["200"].__setitem__("content", {"text/csv": {}}),
        Category.BREAKING,
        "GET /things/{id}/: response 200 media type application/json removed",
    ),
    (
        "response-added",
        lambda d: GET(d)["responses"].__setitem__("429", {"description": ""}),
        Category.NON_BREAKING,
        "GET /things/{id}/: response 429 added",
    ),
    (
        "response-removed",
        lambda d: GET(d)["responses"].pop("404"),
        Category.BREAKING,
        "GET /things/{id}/: response 404 removed",
    ),
    (
        "property-added",
        lambda d: READING(d)["properties"].__setitem__("extra", {"type": "string"}),
        Category.NON_BREAKING,
        "Reading.extra: property added",
    ),
    (
        "required-property-added",
        lambda d: (
            THING(d)["properties"].__setitem__("kind", {"type": "string"}),
            THING(d)["required"].append("kind"),
        ),
        Category.BREAKING,
        "Thing.kind: property added (required)",
    ),
    (
        "property-removed",
        lambda d: READING(d)["properties"].pop("note"),
        Category.BREAKING,
        "Reading.note: property removed",
    ),
    (
        "type-changed",
        lambda d: READING(d)["properties"]["count"].__setitem__("type", "string"),
        Category.BREAKING,
        "Reading.count: type integer -> string",
    ),
    (
        "format-changed",
        lambda d: READING(d)["properties"]["count"].__setitem__("format", "int64"),
        Category.BREAKING,
        "Reading.count: format int32 -> int64",
    ),
    (
        "ref-changed",
        lambda d: READING(d)["properties"].__setitem__(
            "parent", {"$ref": "#/components/schemas/Thing"}
        ),
        Category.BREAKING,
        "Reading.parent: model Reading -> Thing",
    ),
    (
        "nullable-added",
        lambda d: READING(d)["properties"]["count"].__setitem__("type", ["integer", "null"]),
        Category.BREAKING,
        "Reading.count: now nullable",
    ),
    (
        "nullable-removed",
        lambda d: READING(d)["properties"]["note"].__setitem__("type", "string"),
        Category.NON_BREAKING,
        "Reading.note: no longer nullable",
    ),
    (
        "required-added",
        lambda d: THING(d)["required"].append("size"),
        Category.BREAKING,
        "Thing.size: now required",
    ),
    (
        "required-removed",
        lambda d: READING(d).__setitem__("required", []),
        Category.BREAKING,
        "Reading.status: no longer required",
    ),
    (
        "enum-value-added",
        lambda d: READING(d)["properties"]["status"]["enum"].append("paused"),
        Category.BREAKING,
        "Reading.status: enum value(s) added: 'paused'",
    ),
    (
        "enum-value-removed",
        lambda d: READING(d)["properties"]["status"]["enum"].remove("bad"),
        Category.NON_BREAKING,
        "Reading.status: enum value(s) removed: 'bad'",
    ),
    (
        "variant-added",
        lambda d: READING(d)["properties"]["shape"]["oneOf"].append({"type": "boolean"}),
        Category.BREAKING,
        "Reading.shape: 1 more oneOf/anyOf variant(s)",
    ),
    (
        "variant-removed",
        lambda d: READING(d)["properties"]["shape"]["oneOf"].pop(),
        Category.NON_BREAKING,
        "Reading.shape: 1 oneOf/anyOf variant(s) fewer",
    ),
    (
        "schema-added",
        lambda d: (
            d["components"]["schemas"].__setitem__("New", {"type": "object"}),
            READING(d)["properties"].__setitem__("new", {"$ref": "#/components/schemas/New"}),
        ),
        Category.NON_BREAKING,
        "New: schema added",
    ),
]


def test_every_rule_has_a_case() -> None:
    assert sorted(kind for kind, *_ in CASES) == sorted(RULES)


@pytest.mark.parametrize(
    ("kind", "change", "category", "message"), CASES, ids=[c[0] for c in CASES]
)
def test_rule(kind: str, change: Any, category: Category, message: str) -> None:
    old, new = edit(change)
    diff = diff_specs(old, new)
    found = [c for c in diff.changes if c.kind == kind]
    assert [(c.category, c.message) for c in found] == [(category, message)]


def test_request_and_response_contexts_differ() -> None:
    """An enum value added is breaking where the schema is received, not where it is sent."""
    _, new = edit(lambda d: THING(d)["properties"]["mode"]["enum"].append("c"))
    only_sent = base()
    only_sent["paths"]["/things/"]["post"]["responses"] = {"201": {"description": ""}}
    only_sent_new = copy.deepcopy(only_sent)
    THING(only_sent_new)["properties"]["mode"]["enum"].append("c")
    assert diff_specs(only_sent, only_sent_new).changes[0].category is Category.NON_BREAKING
    assert diff_specs(base(), new).changes[0].category is Category.BREAKING  # sent and received


def test_documentation_only_changes_are_counted_not_listed() -> None:
    def docs(d: dict[str, Any]) -> None:
        THING(d)["properties"]["name"]["description"] = "The display name."
        GET(d)["summary"] = "Fetch a thing"
        READING(d)["example"] = {"status": "ok"}

    diff = diff_specs(*edit(docs))
    assert diff.changes == [] and diff.documentation_changes == 3


def test_identical_specs() -> None:
    diff = diff_specs(base(), base())
    assert diff.changes == [] and diff.documentation_changes == 0


def test_cycles_terminate_and_reach_through_refs() -> None:
    from cekura_spec_tools.spec_diff import reachable

    contexts, users = reachable(base())
    assert {k: sorted(c.value for c in v) for k, v in contexts.items()} == {
        "Reading": ["response"],
        "Thing": ["request", "response"],
    }
    assert users["Reading"] == {"GET /things/{id}/"}


def test_openapi_30_nullable() -> None:
    old = base()
    old["openapi"] = "3.0.3"
    READING(old)["properties"]["count"] = {"type": "integer"}
    new = copy.deepcopy(old)
    READING(new)["properties"]["count"]["nullable"] = True
    assert [c.kind for c in diff_specs(old, new).changes] == ["nullable-added"]


def test_rule_table_is_in_the_readme() -> None:
    assert rule_table_markdown() in (ROOT / "docs" / "maintainers" / "spec-diff.md").read_text()


# --- the facade impact section -------------------------------------------------------------


def vendored() -> dict[str, Any]:
    document, _ = decode_document((ROOT / "openapi" / "cekura.yaml").read_bytes())
    return cast(dict[str, Any], document)


def test_facade_impact_names_the_result_attribute() -> None:
    old, new = vendored(), vendored()
    props = new["components"]["schemas"]["ResultDetailV2"]["properties"]
    props["status"]["enum"].append("paused")
    props["total_runs_count"]["type"] = "integer"
    del props["ai_summary"]
    props["brand_new"] = {"type": "string"}
    impacts = facade_impact(old, new, diff_specs(old, new))
    assert [(i.attribute, i.change.kind, i.change.category.value) for i in impacts] == [
        ("Result.status", "enum-value-added", "breaking"),
        ("Result.total_runs_count", "type-changed", "breaking"),
        ("Result.ai_summary", "property-removed", "breaking"),
    ]


def test_facade_impact_of_the_operation() -> None:
    old, new = vendored(), vendored()
    new["paths"]["/test_framework/v2/results/{id}/"]["get"]["parameters"].append(
        {"in": "query", "name": "fields", "required": True, "schema": {"type": "string"}}
    )
    impacts = facade_impact(old, new, diff_specs(old, new))
    assert [(i.attribute, i.change.kind) for i in impacts] == [
        ("client.results.get", "parameter-added-required")
    ]


# --- rendering and the command line --------------------------------------------------------


def write(path: Path, doc: dict[str, Any], as_yaml: bool = False) -> str:
    path.write_text(yaml.safe_dump(doc) if as_yaml else json.dumps(doc))
    return str(path)


def test_json_report(tmp_path: Path) -> None:
    old, new = edit(
        lambda d: (
            d["paths"].pop("/things/"),
            d["paths"].__setitem__("/b/", {"put": {"responses": {}}}),
        )
    )
    report = build_report(old, new, old_label="a", new_label="b", with_generated=False)
    data = json.loads(to_json(report))
    assert data["operations_added"] == ["PUT /b/"]
    assert data["operations_removed"] == ["POST /things/"]
    assert data["breaking"][0]["message"] == "POST /things/: operation removed"
    assert data["generated_client"] == {"skipped": "not requested"}


def test_markdown_report_sections() -> None:
    old, new = edit(lambda d: READING(d)["properties"]["status"]["enum"].append("paused"))
    text = to_markdown(build_report(old, new, old_label="a", new_label="b", with_generated=False))
    assert text.startswith("<!-- cekura-spec-diff -->\n## OpenAPI spec diff: `a` → `b`")
    assert "**1 breaking**, 0 non-breaking and 0 documentation-only changes." in text
    assert (
        "- `enum-value-added` Reading.status: enum value(s) added: 'paused' _(schema used by 1 operation)_"
        in text
    )
    assert "### Facade impact\nNo change touches a field or operation the facade reads." in text


@pytest.mark.parametrize(("fail_on", "code"), [("breaking", 1), ("never", 0)])
def test_cli_exit_codes(
    tmp_path: Path, fail_on: str, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = edit(lambda d: d["paths"].pop("/things/"))
    args = [write(tmp_path / "old.json", old), write(tmp_path / "new.json", new, as_yaml=True)]
    assert (
        diff_cli.main([*args, "--format", "json", "--fail-on", fail_on, "--no-generated"]) == code
    )
    assert json.loads(capsys.readouterr().out)["operations_removed"] == ["POST /things/"]


def test_cli_no_breaking_exits_0_with_fail_on(tmp_path: Path) -> None:
    old, new = edit(lambda d: GET(d)["responses"].__setitem__("429", {"description": ""}))
    args = [write(tmp_path / "old.json", old), write(tmp_path / "new.json", new)]
    assert (
        diff_cli.main(
            [*args, "--fail-on", "breaking", "--no-generated", "--output", str(tmp_path / "r.md")]
        )
        == 0
    )
    assert "response 429 added" in (tmp_path / "r.md").read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[1, 2]", "not an OpenAPI 3.x document"),
        (b"{not json", "looks like JSON but does not parse"),
        (b"swagger: '2.0'\n", "not an OpenAPI 3.x document"),
    ],
)
def test_cli_bad_input_exits_2(
    tmp_path: Path, content: bytes, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.json").write_bytes(content)
    good = write(tmp_path / "good.json", base())
    assert diff_cli.main([good, str(tmp_path / "bad.json"), "--no-generated"]) == 2
    assert message in capsys.readouterr().err


def test_cli_git_base(tmp_path: Path) -> None:
    """--git-base REF compares openapi/cekura.yaml at REF with the working tree."""
    repo = tmp_path / "repo"
    (repo / "openapi").mkdir(parents=True)
    spec = repo / "openapi" / "cekura.yaml"
    spec.write_text(yaml.safe_dump(base()))
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    _, new = edit(lambda d: GET(d)["responses"].pop("404"))
    spec.write_text(yaml.safe_dump(new))
    proc = subprocess.run(
        [sys.executable, "-m", "cekura_spec_tools.diff_cli", "--git-base", "HEAD", "--format", "json", "--no-generated"],
        cwd=repo, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["old"] == "HEAD:openapi/cekura.yaml"
    assert [b["message"] for b in data["breaking"]] == ["GET /things/{id}/: response 404 removed"]
    bad = subprocess.run(
        [sys.executable, "-m", "cekura_spec_tools.diff_cli", "--git-base", "no-such-ref", "--no-generated"],
        cwd=repo, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "cannot read openapi/cekura.yaml at no-such-ref" in bad.stderr


def test_git_base_lists_the_operations_added_next_to_the_slice(tmp_path: Path) -> None:
    """With --git-base on a vendored slice, the informational section comes from the provenance
    records at REF and in the working tree; a spec that is not a slice gets no section."""
    repo = tmp_path / "repo"
    (repo / "openapi").mkdir(parents=True)
    provenance = repo / "openapi" / "cekura.provenance.json"
    (repo / "openapi" / "cekura.yaml").write_text(yaml.safe_dump(base()))
    provenance.write_text(json.dumps({"neighbours": ["GET /a/b/c/"]}))
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)

    def diff(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cekura_spec_tools.diff_cli", "--git-base", "HEAD",
             "--no-generated", *extra],
            cwd=repo, capture_output=True, text=True, check=False,
        )  # fmt: skip

    provenance.write_text(json.dumps({"neighbours": ["GET /a/b/c/", "PUT /a/b/c/"]}))
    data = json.loads(diff("--format", "json").stdout)
    assert data[NEIGHBOURS_KEY] == {
        "informational": True, "added": ["PUT /a/b/c/"], "total": 2, "baseline": True,
    }  # fmt: skip
    assert data["summary"]["breaking"] == 0
    assert f"### {NEIGHBOURS_TITLE}" in diff().stdout
    provenance.write_text(json.dumps({"operations_selected": "all"}))  # the whole document
    assert NEIGHBOURS_KEY not in json.loads(diff("--format", "json").stdout)


def test_git_base_reads_generated_names_from_the_committed_trees(tmp_path: Path) -> None:
    """With --git-base the generated section comes from generated/ at both refs (fast), and
    matches what parsing would say."""
    repo = tmp_path / "repo"
    index_path = repo / "generated" / "cekura_openapi" / "operation_index.py"
    models_path = repo / "generated" / "cekura_openapi" / "models" / "__init__.py"
    (repo / "openapi").mkdir(parents=True)
    models_path.parent.mkdir(parents=True)
    (repo / "openapi" / "cekura.yaml").write_text(yaml.safe_dump(base()))
    index_path.write_text(
        'OPERATIONS: dict[str, str] = {"GET /a/": "cekura_openapi.api.x.a_retrieve", "GET /b/": "cekura_openapi.api.x.b_list"}\n'
    )
    models_path.write_text('__all__ = ("Old", "Kept")\n')
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    index_path.write_text(
        'OPERATIONS: dict[str, str] = {"GET /a/": "cekura_openapi.api.y.a_get", "GET /c/": "cekura_openapi.api.x.c_list"}\n'
    )
    models_path.write_text('__all__ = ("Kept", "New")\n')
    proc = subprocess.run(
        [sys.executable, "-m", "cekura_spec_tools.diff_cli", "--git-base", "HEAD", "--format", "json"],
        cwd=repo, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["generated_client"] == {
        "functions_added": ["api.x.c_list"],
        "functions_removed": ["api.x.b_list"],
        "functions_renamed": ["api.x.a_retrieve -> api.y.a_get"],
        "models_added": ["New"],
        "models_removed": ["Old"],
    }


@needs_generator
def test_generated_tree_names_equal_parsed_names() -> None:
    """The committed tree and the generator's parser agree on the vendored spec."""
    from cekura_spec_tools.diff_report import _generated_names, names_from_generated_tree

    package = ROOT / "generated" / "cekura_openapi"
    from_tree = names_from_generated_tree(
        (package / "operation_index.py").read_text(),
        (package / "models" / "__init__.py").read_text(),
    )
    parsed = _generated_names(vendored())
    assert not isinstance(parsed, str)
    assert from_tree.models == parsed.models
    assert sorted(from_tree.functions.values()) == sorted(parsed.functions.values())


@needs_generator
def test_generated_client_section_on_the_vendored_spec() -> None:
    old = vendored()
    new = copy.deepcopy(old)
    new["paths"]["/test_framework/v2/results/{id}/"]["get"]["operationId"] = "results-v2-retrieve"
    new["paths"]["/test_framework/v1/ping/"] = {
        "get": {
            "operationId": "ping",
            "tags": ["test_framework"],
            "responses": {"200": {"description": ""}},
        }
    }
    data = json.loads(to_json(build_report(old, new, old_label="a", new_label="b")))
    assert data["generated_client"] == {
        "functions_added": ["api.test_framework.ping"],
        "functions_removed": [],
        "functions_renamed": [
            "api.test_framework.results_retrieve -> api.test_framework.results_v2_retrieve"
        ],
        "models_added": ["ResultsV2RetrieveResponse404"],
        "models_removed": ["ResultsRetrieveResponse404"],
    }


# --- the real upstream history ---------------------------------------------------------------


def load(path: Path) -> dict[str, Any]:
    document, _ = decode_document(path.read_bytes())
    return cast(dict[str, Any], document)


@needs_upstream
@pytest.mark.parametrize(
    "pair", list(itertools.pairwise(SPECS)), ids=[b.stem[15:25] for b in SPECS[1:]]
)
def test_real_pairs_match_independent_operation_counts(pair: tuple[Path, Path]) -> None:
    old, new = load(pair[0]), load(pair[1])
    old_ops = {f"{m} {p}" for m, p, _ in operations(old)}
    new_ops = {f"{m} {p}" for m, p, _ in operations(new)}
    # independently: straight from the raw JSON
    raw_old, raw_new = json.loads(pair[0].read_text()), json.loads(pair[1].read_text())
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    independent_old = {
        f"{m.upper()} {p}" for p, item in raw_old["paths"].items() for m in item if m in methods
    }
    independent_new = {
        f"{m.upper()} {p}" for p, item in raw_new["paths"].items() for m in item if m in methods
    }
    assert (old_ops, new_ops) == (independent_old, independent_new)
    data = json.loads(
        to_json(build_report(old, new, old_label="a", new_label="b", with_generated=False))
    )
    assert data["operations_added"] == sorted(independent_new - independent_old)
    assert data["operations_removed"] == sorted(independent_old - independent_new)


@needs_upstream
@pytest.mark.parametrize(
    ("new_version", "attribute", "kind", "message"),
    [
        ("2025-11-22", "Result.runs", "type-changed", "ResultDetailV2.runs: type string -> object"),
        (
            "2025-12-24",
            "Result.status",
            "enum-value-added",
            "ResultDetailV2.status: enum value(s) added: 'cancelled'",
        ),
        (
            "2025-12-24",
            "Result.connected_runs",
            "property-added",
            "ResultDetailV2.connected_runs: property added",
        ),
        (
            "2026-04-15",
            "Result.status",
            "enum-value-added",
            "ResultDetailV2.status: enum value(s) added: 'scaling_up'",
        ),
        (
            "2026-08-05",
            "Result.not_connected_runs",
            "property-added",
            "ResultDetailV2.not_connected_runs: property added",
        ),
    ],
)
def test_real_result_detail_changes_reach_the_facade_impact(
    new_version: str, attribute: str, kind: str, message: str
) -> None:
    index = next(i for i, p in enumerate(SPECS) if new_version in p.name)
    report = build_report(
        load(SPECS[index - 1]),
        load(SPECS[index]),
        old_label="a",
        new_label="b",
        with_generated=False,
    )
    assert (attribute, kind, message) in {
        (i.attribute, i.change.kind, i.change.message) for i in report.impacts
    }
    assert any(c.message == message for c in report.diff.changes)
    markdown = to_markdown(report)
    assert f"- **{attribute}** — " in markdown and message in markdown
