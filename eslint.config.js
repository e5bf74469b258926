// Lint: typescript-eslint's type-aware rules, plus the architecture's import rules:
// core knows no SDK and no adapter; handlers never reach into the local platform.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sdkImports = ['@aws-sdk/*', '@aws-crypto/*', 'openai', 'openai/*', '@anthropic-ai/sdk', '@anthropic-ai/sdk/*', '@middy/*'];

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.parley/', 'test-results/', 'widget/dist/', 'admin/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      // Async generators often implement an async port without awaiting anything themselves.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['lambdas/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/infra/**', '**/test/**'], message: 'Lambda code never imports the local platform or tests.' }],
      }],
    },
  },
  {
    files: ['lambdas/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: sdkImports, message: 'core imports no SDK: put it behind a port in lambdas/adapters.' },
          { group: ['**/adapters/**', '**/handlers/**', '**/http/**', '**/infra/**', '**/test/**'], message: 'core depends on nothing outside core.' },
        ],
      }],
    },
  },
  {
    // Contracts are read by the browser bundles too: zod and core's records, limits and providers, nothing else.
    files: ['lambdas/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...sdkImports, 'node:*', 'aws-lambda'], message: 'contracts import no Node or SDK: the browser bundles read them.' },
          { group: ['**/adapters/**', '**/handlers/**', '**/http/**', '**/infra/**', '**/test/**'], message: 'contracts depend on nothing outside core.' },
          { regex: '^\\.\\./core/(?!records|limits|providers)', message: 'contracts read only core/records.ts, core/limits.ts and core/providers.ts, which import no Node.' },
        ],
      }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
