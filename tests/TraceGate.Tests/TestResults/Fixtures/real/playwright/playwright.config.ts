import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: 'tests',
  retries: 1,
  reporter: [['junit', { outputFile: 'results.xml' }]],
  projects: [{ name: 'unit' }],
});
