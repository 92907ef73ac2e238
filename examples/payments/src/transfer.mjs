// Transfers with a fee. The fee is part of the overdraft guard and is debited first (INC-2471).
import { trace } from '@opentelemetry/api';

const tracer = trace.getTracer('payments.transfer', '1.4.0');

export class Overdraft extends Error {}

export function transfer(accounts, src, dst, amount, fee) {
  tracer.startActiveSpan('validate', (span) => {
    try {
      span.setAttributes({ 'transfer.from': src, 'transfer.to': dst, 'transfer.amount': amount, 'transfer.fee': fee });
      if (accounts[src] < amount + fee) {
        span.addEvent('guard_triggered', { account: src });
        throw new Overdraft(`${src} cannot cover ${amount} + fee ${fee}`);
      }
    } finally {
      span.end();
    }
  });
  tracer.startActiveSpan('apply', (span) => {
    span.setAttribute('transfer.amount', amount);
    span.addEvent('fee_debit', { account: src });
    accounts[src] -= fee;
    span.addEvent('debit', { account: src });
    accounts[src] -= amount;
    span.addEvent('credit', { account: dst });
    accounts[dst] += amount;
    span.end();
  });
  return accounts;
}
