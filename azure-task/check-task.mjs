// tfx only warns about a malformed task.json, so the extension checks it itself: required fields, every execution
// target exists, the inputs are the GitHub action's inputs with the same names, and the manifest points at the task.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const task = JSON.parse(readFileSync(join(here, 'TraceGate', 'task.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(here, 'vss-extension.json'), 'utf8'));
const errors = [];
for (const field of ['id', 'name', 'friendlyName', 'description', 'category', 'author', 'version', 'instanceNameFormat', 'inputs', 'execution']) {
  if (task[field] === undefined || task[field] === '') errors.push(`task.json: missing ${field}`);
}
if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(task.id)) errors.push(`task.json: id '${task.id}' is not a GUID`);
for (const part of ['Major', 'Minor', 'Patch']) {
  if (!Number.isInteger(task.version?.[part])) errors.push(`task.json: version.${part} must be an integer`);
}
for (const [handler, { target }] of Object.entries(task.execution ?? {})) {
  if (!/^Node(20_1|24)$/.test(handler)) errors.push(`task.json: execution handler ${handler}: expected Node20_1 or Node24`);
  if (!existsSync(join(here, 'TraceGate', target))) errors.push(`task.json: execution ${handler} target ${target} does not exist`);
}
const names = task.inputs.map((i) => i.name);
for (const input of task.inputs) {
  for (const f of ['name', 'type', 'label']) if (!input[f]) errors.push(`task.json: input ${input.name ?? '?'} has no ${f}`);
  if (input.type === 'pickList' && input.defaultValue && !(input.defaultValue in (input.options ?? {}))) errors.push(`task.json: input ${input.name} default '${input.defaultValue}' is not one of its options`);
}
// The action's inputs, read from action.yml's "inputs:" block (two-space-indented keys).
const action = readFileSync(join(here, '..', 'action.yml'), 'utf8');
const block = action.split(/^inputs:\s*$/m)[1].split(/^\S/m)[0];
const actionInputs = [...block.matchAll(/^ {2}([a-z][a-z0-9-]*):\s*$/gm)].map((m) => m[1]);
const missing = actionInputs.filter((n) => !names.includes(n));
const extra = names.filter((n) => !actionInputs.includes(n));
if (missing.length) errors.push(`task.json: inputs missing that action.yml has: ${missing.join(', ')}`);
if (extra.length) errors.push(`task.json: inputs that action.yml does not have: ${extra.join(', ')}`);
const taskFile = manifest.files?.some((f) => f.path === 'TraceGate');
if (!taskFile) errors.push('vss-extension.json: files does not include the TraceGate task folder');
if (!manifest.contributions?.some((c) => c.type === 'ms.vss-distributed-task.task' && c.properties?.name === 'TraceGate')) errors.push('vss-extension.json: no task contribution named TraceGate');
if (manifest.version !== `${task.version.Major}.${task.version.Minor}.${task.version.Patch}`) errors.push(`vss-extension.json: version ${manifest.version} differs from task.json ${task.version.Major}.${task.version.Minor}.${task.version.Patch}`);
if (errors.length) {
  console.error(errors.join('\n'));
  process.exit(1);
}
console.log(`task.json and vss-extension.json: ok (${names.length} inputs, the same as action.yml; handlers ${Object.keys(task.execution).join(', ')})`);
