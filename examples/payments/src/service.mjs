// The HTTP front of the service: POST /transfer {from, to, amount, fee}. 200 when applied, 409 on overdraft.
import { createServer } from 'node:http';
import { SpanKind, trace } from '@opentelemetry/api';
import { Overdraft, transfer } from './transfer.mjs';

const tracer = trace.getTracer('payments.service', '1.4.0');

export function transferService(accounts) {
  return createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      tracer.startActiveSpan('POST /transfer', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'http.route': '/transfer' } }, (span) => {
        let status = 200;
        try {
          const { from, to, amount, fee } = JSON.parse(body);
          transfer(accounts, from, to, amount, fee);
        } catch (e) {
          status = e instanceof Overdraft ? 409 : 400;
        }
        span.setAttribute('http.response.status_code', status);
        span.end();
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status === 200 }));
      });
    });
  });
}

export async function post(server, payload) {
  const { port } = server.address();
  const res = await fetch(`http://127.0.0.1:${port}/transfer`, { method: 'POST', body: JSON.stringify(payload) });
  return res.status;
}
