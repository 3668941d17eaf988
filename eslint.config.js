// Lint: typescript-eslint's recommended rules, plus the architecture rule of DESIGN §2 —
// src/ imports no vendor SDK and nothing under adapters/ (only src/main.ts wires adapters).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const VENDOR = 'Vendor SDKs live in adapters/ (DESIGN §2); define a port in src/ instead.';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/adapters/**', 'adapters/**'], message: 'Only src/main.ts imports adapters (DESIGN §2).' },
            { group: ['@slack/*', 'botbuilder', 'botbuilder-*', 'botframework-*', '@azure/*', 'axios', 'ssh2', 'pg', 'pg-*', '@electric-sql/*', 'mongoose', 'graphile-worker'], message: VENDOR },
          ],
        },
      ],
    },
  },
);
