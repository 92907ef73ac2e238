// The TraceGate task's handler. Azure Pipelines tasks have no container handler: this Node handler checks what it
// can (platform, binary, token mapping) and runs the self-contained linux-x64 TraceGate binary shipped in the task.
// The binary reads the task's INPUT_* variables and the agent's predefined variables itself (TF_BUILD=True), so it
// behaves exactly as when tests run it with the same environment.
'use strict';
const path = require('path');
const tl = require('azure-pipelines-task-lib/task');

// The binary's exit codes (README, "Exit codes").
const EXIT = {
  0: null,
  1: 'a TraceGate gate failed',
  2: 'TraceGate could not read its input or policy (see the log)',
  3: 'TraceGate reached a verdict but could not publish it (see the log)',
  4: 'TraceGate hit an internal error, not a problem with your input: please report it with the log',
};

async function run() {
  try {
    for (const [name, allowed] of [['fail-on', ['failure', 'never']], ['mode', ['run', 'evaluate', 'publish']]]) {
      const value = tl.getInput(name, false);
      if (value && !allowed.includes(value)) {
        tl.setResult(tl.TaskResult.Failed, `input ${name} is '${value}': expected ${allowed.join(' or ')}`);
        return;
      }
    }

    const platform = `${process.platform}-${process.arch}`;
    if (platform !== 'linux-x64') {
      tl.setResult(tl.TaskResult.Failed, `TraceGate ships a self-contained linux-x64 binary; this agent is ${platform}. Run this task on a Linux x64 agent (vmImage: ubuntu-latest).`);
      return;
    }

    const binary = path.join(__dirname, 'bin', 'linux-x64', 'tracegate');
    if (!tl.exist(binary)) {
      tl.setResult(tl.TaskResult.Failed, `the TraceGate binary is missing from the task (${binary}): the extension was packaged without it`);
      return;
    }

    // The token: the input, the mapped SYSTEM_ACCESSTOKEN, or the job's own connection. Never through getVariable,
    // which echoes values in debug logs; registered as a secret so the agent masks it anywhere it appears.
    const token = tl.getInput('token', false) || process.env['SYSTEM_ACCESSTOKEN']
      || tl.getEndpointAuthorizationParameter('SystemVssConnection', 'AccessToken', true) || '';
    if (token) {
      tl.setSecret(token);
    }

    const isPullRequest = tl.getVariable('Build.Reason') === 'PullRequest';
    if (isPullRequest && !token) {
      tl.setResult(tl.TaskResult.Failed, 'SYSTEM_ACCESSTOKEN is not set: map it into the step, e.g. env: { SYSTEM_ACCESSTOKEN: $(System.AccessToken) }, and allow the build service to contribute to pull requests');
      return;
    }

    const env = { ...process.env };
    if (token) {
      env['SYSTEM_ACCESSTOKEN'] = token;
    }

    const code = await tl.tool(binary).arg('check').execAsync({ ignoreReturnCode: true, env });
    if (code === 0) {
      tl.setResult(tl.TaskResult.Succeeded, 'TraceGate passed');
    } else {
      tl.setResult(tl.TaskResult.Failed, EXIT[code] || `TraceGate exited with code ${code}`);
    }
  } catch (err) {
    tl.setResult(tl.TaskResult.Failed, err && err.message ? err.message : String(err));
  }
}

run();
