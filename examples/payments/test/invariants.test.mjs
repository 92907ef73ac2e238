// The invariant as a property: balances never go negative, fees included, over seeded random transfers sent
// through the service (fees from 0 to 5 percent, with spikes, as the worked example's property tests).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { post, transferService } from '../src/service.mjs';

function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('balance never goes negative, fees included', async () => {
  const random = prng(2471);
  const accounts = {};
  const server = transferService(accounts).listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  try {
    for (let i = 0; i < 30; i++) {
      Object.assign(accounts, { 'acct-1': 50 + Math.floor(random() * 50), 'acct-2': 0 });
      const amount = accounts['acct-1'] - Math.floor(random() * 3);
      const fee = i % 10 === 9 ? 40 : Math.round(amount * 0.05 * random());
      await post(server, { from: 'acct-1', to: 'acct-2', amount, fee });
      assert.ok(accounts['acct-1'] >= 0, `case ${i}: acct-1 went to ${accounts['acct-1']} (amount ${amount}, fee ${fee})`);
    }
  } finally {
    server.close();
  }
});
