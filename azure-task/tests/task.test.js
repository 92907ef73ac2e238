// The task's Node handler under azure-pipelines-task-lib's own MockTestRunner, run as the agent runs it.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');

// MockTestRunner runs the task under the Node version task.json names, downloading it when it is not cached (the
// cache folder is fixed when the module loads, so this comes first). This machine reaches no download site: the
// machine's own Node 20 stands in, placed where the runner caches it.
assert.strictEqual(process.versions.node.split('.')[0], '20', 'the tests need Node 20 (the Node20_1 handler)');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tracegate-task-'));
process.env.HOME = home;
const dest = path.join(home, 'azure-pipelines-task-lib', '_download', 'node20');
fs.mkdirSync(path.join(dest, 'node-v20.13.1-linux-x64', 'bin'), { recursive: true });
fs.symlinkSync(process.execPath, path.join(dest, 'node-v20.13.1-linux-x64', 'bin', 'node'));
fs.writeFileSync(dest + '.completed', '');

const { MockTestRunner } = require('azure-pipelines-task-lib/mock-test');
const taskJson = path.join(__dirname, '..', 'TraceGate', 'task.json');

async function runScenario(scenario) {
  process.env.SCENARIO = JSON.stringify(scenario);
  const tr = new MockTestRunner(path.join(__dirname, 'scenarios', 'run.js'), taskJson);
  await tr.runAsync(20);
  return tr;
}

test('a passing gate succeeds', async () => {
  const tr = await runScenario({ variables: { 'Build.Reason': 'PullRequest', 'System.AccessToken': 'x' }, exitCode: 0 });
  assert.ok(tr.succeeded, tr.stdout);
  assert.ok(tr.stdOutContained('TraceGate PASSED'), tr.stdout);
});

test('a failed gate fails the task', async () => {
  const tr = await runScenario({ variables: { 'Build.Reason': 'PullRequest', 'System.AccessToken': 'x' }, exitCode: 1 });
  assert.ok(tr.failed);
  assert.ok(tr.stdOutContained('a TraceGate gate failed'), tr.stdout);
});

test('a publishing failure is named', async () => {
  const tr = await runScenario({ variables: { 'Build.Reason': 'PullRequest', 'System.AccessToken': 'x' }, exitCode: 3 });
  assert.ok(tr.failed);
  assert.ok(tr.stdOutContained('could not publish'), tr.stdout);
});

test('an internal error is named as one, not as bad input', async () => {
  const tr = await runScenario({ variables: { 'Build.Reason': 'PullRequest', 'System.AccessToken': 'x' }, exitCode: 4 });
  assert.ok(tr.failed);
  assert.ok(tr.stdOutContained('TraceGate hit an internal error, not a problem with your input: please report it with the log'), tr.stdout);
  assert.ok(!tr.stdOutContained('exited with code 4'), tr.stdout);
});

test('a PR build without the token mapping says how to map it', async () => {
  const tr = await runScenario({ variables: { 'Build.Reason': 'PullRequest' } });
  assert.ok(tr.failed);
  assert.ok(tr.stdOutContained('SYSTEM_ACCESSTOKEN is not set: map it into the step'), tr.stdout);
  assert.strictEqual(tr.invokedToolCount, 0);
});

test('the token is registered as a secret and never echoed', async () => {
  const tr = await runScenario({ variables: { 'Build.Reason': 'PullRequest', 'System.AccessToken': 'sekret-token-value' }, exitCode: 0 });
  assert.ok(tr.succeeded, tr.stdout);
  assert.ok(tr.stdOutContained('##vso[task.setsecret]sekret-token-value'), 'setSecret tells the agent to mask it');
  const lines = tr.stdout.split('\n').filter((l) => l.includes('sekret-token-value') && !l.startsWith('##vso[task.setsecret]'));
  assert.deepStrictEqual(lines, []);
});

test('a CI build needs no token', async () => {
  const tr = await runScenario({ variables: { 'Build.Reason': 'IndividualCI' }, exitCode: 0 });
  assert.ok(tr.succeeded, tr.stdout);
  assert.strictEqual(tr.invokedToolCount, 1);
});

test('a bad input is refused before the binary runs', async () => {
  const tr = await runScenario({ inputs: { 'fail-on': 'sometimes' }, variables: { 'Build.Reason': 'IndividualCI' } });
  assert.ok(tr.failed);
  assert.ok(tr.stdOutContained("input fail-on is 'sometimes': expected failure or never"), tr.stdout);
  assert.strictEqual(tr.invokedToolCount, 0);
});

test('a Windows agent is told to use a Linux agent', async () => {
  const tr = await runScenario({ platform: 'win32', variables: { 'Build.Reason': 'IndividualCI' } });
  assert.ok(tr.failed);
  assert.ok(tr.stdOutContained('Run this task on a Linux x64 agent'), tr.stdout);
});

test('an extension packaged without the binary says so', async () => {
  const tr = await runScenario({ binaryMissing: true, variables: { 'Build.Reason': 'IndividualCI' } });
  assert.ok(tr.failed);
  assert.ok(tr.stdOutContained('the TraceGate binary is missing'), tr.stdout);
});
