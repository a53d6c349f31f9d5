// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', '.tools/**', 'coverage/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: only the workflow SDK and pure domain code may enter.
    files: ['workflows/**/*.ts', 'libs/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              allowTypeImports: true,
              group: [
                '@nestjs/*',
                'typeorm',
                'class-validator',
                'class-transformer',
                'pg',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
                'node:*',
                'fs',
                'path',
                'crypto',
                '@idp/persistence',
                '@idp/config',
                '@idp/notifications',
                '@idp/security',
                '@idp/webhooks',
                '@idp/suppliers',
                '@idp/suppliers/*',
                '@idp/activities',
              ],
              message:
                'Workflow code and libs/domain must stay deterministic and free of I/O, Nest, TypeORM and class-validator.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['infra/**/*.{ts,mjs}', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // HTTP response bodies in tests are whatever the server sent.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
