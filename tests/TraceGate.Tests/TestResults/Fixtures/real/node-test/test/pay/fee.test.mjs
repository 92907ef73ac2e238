import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

test('fee guard fires', () => { assert.equal(1 + 1, 2); });
test('fee debited first', () => { assert.equal(8, 10); });
test('rollback flag', { skip: 'not yet' }, () => {});
test('refund of a refund', { todo: true }, () => {});
describe('refunds', () => {
  test('refund [partial] keeps fee', () => { assert.ok(true); });
});
