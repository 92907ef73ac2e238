// Records the trace of INC-2471 as production had it: the buggy base commit's service (src/service.mjs and
// src/transfer.mjs at the tag `base` of make-history.sh's repository) handles the transfer that overdrew acct-1,
// traced by the OpenTelemetry JS SDK under the gateway's trace 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2 (the PR's primary
// trace), and the SDK's own OTLP JSON serializer (@opentelemetry/otlp-transformer, what the OTLP/HTTP JSON exporter
// sends) writes it where `proof.incident` looks: incidents/INC-2471/.
//   node incidents/record-incident.mjs REPO      (REPO: made by make-history.sh, checked out at `base`)
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const TRACE_ID = '3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2';
const GATEWAY_SPAN = '5e1f0c2d3b4a6978';
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(process.argv[2] ?? '');

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'transfer-svc', 'service.version': '1.3.0', 'deployment.environment': 'production' }),
  spanProcessors: [new SimpleSpanProcessor({ exporter })],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);

const { transferService, post } = await import(pathToFileURL(join(repo, 'src', 'service.mjs')).href);
const accounts = { 'acct-1': 100, 'acct-2': 0 };
// The gateway's span is the remote parent (its traceparent header). The service has no HTTP instrumentation, so the
// parent is the context the server listens in: every request it handles is a child of it.
const gateway = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: GATEWAY_SPAN, traceFlags: TraceFlags.SAMPLED, isRemote: true });
const server = context.with(gateway, () => transferService(accounts).listen(0, '127.0.0.1'));
await new Promise((ok) => server.once('listening', ok));
// The incident: 99 plus a fee of 2 from 100. The base code checks the guard against the amount only.
const status = await post(server, { from: 'acct-1', to: 'acct-2', amount: 99, fee: 2 });
server.close();
await provider.forceFlush();

const spans = exporter.getFinishedSpans();
if (spans.length !== 3 || spans.some((s) => s.spanContext().traceId !== TRACE_ID)) {
  throw new Error(`expected 3 spans of trace ${TRACE_ID}, got ${spans.map((s) => `${s.name} ${s.spanContext().traceId}`).join(', ')}`);
}
if (accounts['acct-1'] >= 0) throw new Error(`the base code did not overdraw acct-1 (${accounts['acct-1']}): is ${repo} at base?`);
const json = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)));
const out = join(here, 'INC-2471', `trace-${TRACE_ID}.json`);
writeFileSync(out, JSON.stringify(json, null, 2) + '\n');
console.log(`recorded ${spans.length} spans of trace ${TRACE_ID} (HTTP ${status}, acct-1 at ${accounts['acct-1']}) to ${out}`);
await provider.shutdown();
