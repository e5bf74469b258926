import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // DynamoDB Local and the S3 emulator start once per run, on free ports; the AWS call log is emptied.
          globalSetup: ['test/integration/fixtures/global-setup.ts', 'test/integration/fixtures/call-log-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Before the iam project, which reads its AWS call log. An explicit order: on a machine where Vitest
          // runs one worker, projects left at order 0 run in one group after every ordered one.
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // The same shared DynamoDB Local and S3 emulator as the integration tests.
          globalSetup: ['test/integration/fixtures/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 180_000 } },
      {
        test: {
          name: 'iam',
          include: ['test/iam/**/*.test.ts'],
          // Reads the AWS calls the integration project recorded, so it runs after that project.
          sequence: { groupOrder: 2 },
          testTimeout: 300_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
