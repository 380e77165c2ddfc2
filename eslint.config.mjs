import { builtinModules } from 'node:module';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.nx/**', 'bin/**', 'scripts/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The arrows of ../shared/DESIGN.md: apps → libs; detection and data know nothing of
      // HTTP, queues or SQL; jobs and store know nothing of apps; the HTTP contract is a leaf
      // a browser can load (zod only).
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          enforceBuildableLibDependency: false,
          checkDynamicDependenciesExceptions: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            {
              sourceTag: 'scope:compute',
              onlyDependOnLibsWithTags: ['scope:compute'],
              bannedExternalImports: ['@nestjs/*', 'bullmq', 'typeorm', 'pg', '@bull-board/*', 'ioredis'],
            },
            { sourceTag: 'scope:system', onlyDependOnLibsWithTags: ['scope:compute', 'scope:system', 'scope:contract'] },
            { sourceTag: 'scope:contract', onlyDependOnLibsWithTags: ['scope:contract'], allowedExternalImports: ['zod'] },
            // The web console runs in a browser: the HTTP contract is all it may take from the libraries.
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:contract'] },
          ],
        },
      ],
    },
  },
  {
    // @ablate/contract runs in browsers too: no Node built-ins (the boundary rule above does not see them).
    files: ['libs/contract/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', ...builtinModules], message: '@ablate/contract is loaded by browsers: no Node built-ins' }] },
      ],
    },
  },
];
