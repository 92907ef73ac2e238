// OpenTelemetry for the service and its tests: a batch span processor in front of the OTLP/HTTP protobuf exporter,
// configured by the standard environment variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL), which
// `tracegate prove` sets to its in-process receiver. Load it before the code under test:
//   node --import ./src/tracing.mjs --test
// Without an endpoint (a plain local `npm test`) nothing is exported.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const env = process.env;
if (env.OTEL_TRACES_EXPORTER !== 'none' && (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)) {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'transfer-svc',
      'service.version': '1.4.0',
      'deployment.environment': env.TRACEGATE_PROOF_SIDE ? `proof-${env.TRACEGATE_PROOF_SIDE}` : 'test',
    }),
    // The exporter reads its URL and protocol from the environment.
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), scheduledDelayMillis: 100 })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  // Each test file runs in its own process: export what is left before it exits.
  let flushed = false;
  process.on('beforeExit', () => {
    if (!flushed) {
      flushed = true;
      provider.shutdown().catch((e) => console.error(`tracing: export failed: ${e.message}`));
    }
  });
}
