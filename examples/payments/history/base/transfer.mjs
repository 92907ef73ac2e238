// Transfers with a fee.
import { SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('payments.transfer', '1.3.0');

export class Overdraft extends Error {}

export function transfer(accounts, src, dst, amount, fee) {
  tracer.startActiveSpan('validate', (span) => {
    try {
      span.setAttributes({ 'transfer.from': src, 'transfer.to': dst, 'transfer.amount': amount });
      if (accounts[src] < amount) {
        span.addEvent('guard_triggered', { account: src });
        throw new Overdraft(`${src} cannot cover ${amount}`);
      }
    } finally {
      span.end();
    }
  });
  tracer.startActiveSpan('apply', (span) => {
    span.setAttribute('transfer.amount', amount);
    span.addEvent('lock_acquired', { account: src });
    span.addEvent('debit', { account: src });
    accounts[src] -= amount;
    span.addEvent('credit', { account: dst });
    accounts[dst] += amount;
    // transfer_fee_v2: the fee is taken after the transfer.
    span.addEvent('fee_debit', { account: src });
    accounts[src] -= fee;
    if (accounts[src] < 0) {
      span.addEvent('invariant.violation', { account: src, 'balance.sign': 'negative' });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'balance went negative' });
    }
    span.end();
  });
  return accounts;
}
