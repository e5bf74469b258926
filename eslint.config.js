// Lint: typescript-eslint's type-aware rules, plus the architecture's import rules.
// Lambda code is in layers, each importing only those below it:
//   shared ← core ← adapters ← http ← handlers, and contracts on core (read by http and handlers)
// shared (logger, zod's messages) and core know no SDK; nothing in lambdas/ reaches into
// the local platform or tests; and no module imports itself back through others (no cycles).
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const sdkImports = ['@aws-sdk/*', '@aws-crypto/*', 'openai', 'openai/*', '@anthropic-ai/sdk', '@anthropic-ai/sdk/*', '@middy/*'];
const outside = { group: ['**/infra/**', '**/test/**'], message: 'Lambda code never imports the local platform or tests.' };

/** The import rule of one layer: none of the layers above it (and, for the bottom two, no SDK). */
const layer = (name, above, { sdk = true } = {}) => ({
  files: [`lambdas/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        outside,
        ...(above.length ? [{ group: above.map((l) => `**/${l}/**`), message: `${name} imports only the layers below it (shared ← core ← adapters ← http ← handlers; contracts on core).` }] : []),
        ...(sdk ? [] : [{ group: sdkImports, message: `${name} imports no SDK: put it behind a port in lambdas/adapters.` }]),
      ],
    }],
  },
});

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
  { files: ['lambdas/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [outside] }] } },
  layer('shared', ['core', 'contracts', 'adapters', 'http', 'handlers'], { sdk: false }),
  layer('core', ['contracts', 'adapters', 'http', 'handlers'], { sdk: false }),
  layer('adapters', ['http', 'handlers']),
  layer('http', ['handlers']),
  {
    // Type-only imports are left out (import-x ignores them, with no option to count them): they vanish at run time.
    // test/unit/import-cycles.test.ts counts them too, so no cycle comes back through types either.
    files: ['lambdas/**/*.ts', 'infra/**/*.ts', 'admin/src/**/*.ts', 'widget/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Without these, import-x reads only .js modules and would see no cycle among .ts files.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // Contracts are read by the browser bundles too: zod and core's records, limits, providers and views, nothing else.
    files: ['lambdas/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...sdkImports, 'node:*', 'aws-lambda'], message: 'contracts import no Node or SDK: the browser bundles read them.' },
          { group: ['**/adapters/**', '**/handlers/**', '**/http/**', '**/infra/**', '**/test/**'], message: 'contracts depend on nothing outside core.' },
          { regex: '^\\.\\./core/(?!(records|limits|providers|views)\\.ts$)', message: 'contracts read only core/records.ts, limits.ts, providers.ts and views.ts, which import no Node.' },
        ],
      }],
    },
  },
  {
    // The core files the browser bundles read (through the contracts) import only each other.
    files: ['lambdas/core/{records,limits,providers,views}.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...sdkImports, 'node:*', 'aws-lambda'], message: 'the browser bundles read this file: no Node or SDK.' },
          { regex: '^(?!\\./(records|limits|providers|views)\\.ts$)', message: 'records, limits, providers and views import only each other: the browser bundles read them.' },
        ],
      }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
