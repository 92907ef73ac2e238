// Sends the payments test run's spans to an OTLP/HTTP endpoint with the OpenTelemetry JS SDK's own exporters, as an
// instrumented test run would (BatchSpanProcessor in front of the OTLP exporter).
//   node export.mjs URL proto|json [scenario]
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { scenario, correct, buggy, slow } from './generate.mjs';

const [url, format = 'proto', name = 'good'] = process.argv.slice(2);
const shapes = { good: [1, correct], buggy: [3, buggy], slow: [4, slow] };
const [seed, shape] = shapes[name];
const Exporter = format === 'json' ? JsonExporter : ProtoExporter;
const exporter = new Exporter({ url: `${url.replace(/\/$/, '')}/v1/traces` });
const { spans } = await scenario(name, seed, 30, shape);
// Re-export the finished spans through a real batch processor and exporter.
const processor = new BatchSpanProcessor({ exporter, maxExportBatchSize: 30, scheduledDelayMillis: 50 });
for (const span of spans) processor.onEnd(span);
await processor.forceFlush();
await processor.shutdown();
console.log(`exported ${spans.length} spans as OTLP/HTTP ${format} to ${url}`);
