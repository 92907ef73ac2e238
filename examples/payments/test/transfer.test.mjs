import assert from 'node:assert/strict';
import { test } from 'node:test';
import { post, transferService } from '../src/service.mjs';
import { Overdraft, transfer } from '../src/transfer.mjs';

test('debits the fee and the amount', () => {
  const accounts = { 'acct-1': 100, 'acct-2': 0 };
  transfer(accounts, 'acct-1', 'acct-2', 90, 2);
  assert.deepEqual(accounts, { 'acct-1': 8, 'acct-2': 90 });
});

test('transfers through the service', async () => {
  const accounts = { 'acct-1': 1000, 'acct-2': 0 };
  const server = transferService(accounts).listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  try {
    for (let i = 0; i < 10; i++) assert.equal(await post(server, { from: 'acct-1', to: 'acct-2', amount: 10, fee: 1 }), 200);
    assert.deepEqual(accounts, { 'acct-1': 890, 'acct-2': 100 });
  } finally {
    server.close();
  }
});

// Repro of INC-2471 from trace 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2: a transfer that leaves exactly the fee short.
test('fee guard fires', () => {
  const accounts = { 'acct-1': 100, 'acct-2': 0 };
  assert.throws(() => transfer(accounts, 'acct-1', 'acct-2', 99, 2), Overdraft);
  assert.deepEqual(accounts, { 'acct-1': 100, 'acct-2': 0 });
});
