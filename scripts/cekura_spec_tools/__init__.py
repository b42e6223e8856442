"""Tools for the vendored Cekura spec: reading and writing specs (spec_io), the fixes applied
before generation (spec_fixes), and the spec diff for pull requests (cekura-spec-diff)."""
