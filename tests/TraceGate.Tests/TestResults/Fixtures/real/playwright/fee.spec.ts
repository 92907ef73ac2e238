import { test, expect } from '@playwright/test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

test('fee guard fires', async () => { expect(1 + 1).toBe(2); });
test('fee debited first', async () => { expect(8).toBe(10); });
test.skip('rollback flag', async () => {});
test('flaky transfer', async ({}, testInfo) => {
  expect(testInfo.retry).toBe(1);
});
test.describe('refunds', () => {
  test('refund [partial] keeps fee', async () => { expect(true).toBeTruthy(); });
  test.fixme('refund of a refund', async () => {});
});
