// One scenario for MockTestRunner: the task run as the agent would, with inputs, variables and the binary's exit
// code given by environment variables that the test sets (the binary itself is tested by the .NET suite).
'use strict';
const path = require('path');
const mr = require('azure-pipelines-task-lib/mock-run');

const taskPath = path.join(__dirname, '..', '..', 'TraceGate', 'index.js');
const tmr = new mr.TaskMockRunner(taskPath);
const scenario = JSON.parse(process.env.SCENARIO || '{}');
for (const [name, value] of Object.entries(scenario.inputs || {})) tmr.setInput(name, value);
// The agent exposes variables as environment variables (Build.Reason -> BUILD_REASON).
for (const [name, value] of Object.entries(scenario.variables || {})) {
  // The token as the pipeline maps it (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)).
  process.env[name.replace(/\./g, '_').toUpperCase()] = value;
}
if (scenario.platform) Object.defineProperty(process, 'platform', { value: scenario.platform });

const binary = path.join(__dirname, '..', '..', 'TraceGate', 'bin', 'linux-x64', 'tracegate');
tmr.setAnswers({
  exist: { [binary]: scenario.binaryMissing ? false : true },
  checkPath: { [binary]: true },
  which: { [binary]: binary },
  exec: { [`${binary} check`]: { code: scenario.exitCode ?? 0, stdout: 'TraceGate PASSED: 1 checks, 0 failed, 0 warnings' } },
});
tmr.run();
