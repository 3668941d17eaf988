// Lint: typescript-eslint's type-checked recommended rules, plus the architecture rule of DESIGN §2 —
// src/ imports no vendor SDK and nothing under adapters/ (only src/main.ts wires adapters).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const VENDOR = 'Vendor SDKs live in adapters/ (DESIGN §2); define a port in src/ instead.';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // The three this config is for: a promise nobody awaits loses its error; an async callback
      // where a void one is expected (an event handler, forEach) does too; awaiting a non-promise is a mistake.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Promise.all over `void | Promise<void>` (optional stop hooks, node-cron's destroy) is fine: it waits for those that are promises.
      '@typescript-eslint/await-thenable': ['error', { allowMixedPromiseArrays: true }],
      // `try { return p } catch` never sees p's rejection; in a try the promise must be awaited.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // Noise here: port implementations are `async` without `await` on purpose (a throw becomes a
      // rejection, as the port promises); a missing await is what no-floating-promises catches.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read JSON bodies (`await res.json()`) as any and expect() checks their shape; fakes
    // stringify wire fields of unknown shape on purpose. The service code keeps these rules.
    files: ['test/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // Plain JavaScript (the console's browser page, the PGlite worker, bin/) has no types to check.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
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
            {
              group: ['@slack/*', 'botbuilder', 'botbuilder-*', 'botframework-*', '@azure/*', 'axios', 'ssh2', 'pg', 'pg-*', '@electric-sql/*', 'mongoose', 'graphile-worker'],
              message: VENDOR,
            },
          ],
        },
      ],
    },
  },
);
