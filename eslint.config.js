// Lint rules, including the import rules of the design: which folder may import what.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const nodeBuiltins = {
  group: ['node:*'],
  message: 'this folder must stay free of Node built-ins (pure / sandboxed code).',
};
const temporalPackages = ['@temporalio/workflow', '@temporalio/activity', '@temporalio/client', '@temporalio/worker'];
/** Only store/ knows MongoDB: the other folders call its named functions and never touch a model. */
const storeModels = {
  group: ['**/store/models/**'],
  message: 'only store/ uses the models: call a named function of store/ (see DESIGN.md, store/).',
};
const ioLibraries = ['mongoose', 'nodemailer', '@line/bot-sdk', 'express', '@temporalio/client', '@temporalio/worker'];

/** Import restrictions for the pure folders. `workflows/` runs in Temporal's deterministic sandbox. */
const restrict = (files, paths, patterns) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: paths.map((name) => ({ name, message: `${name} is not allowed here (see DESIGN.md, import rules).` })),
        patterns,
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['eslint.config.js', 'scripts/*.mjs', 'cli/bin.js', 'api/console/assets/*.js'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
    },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
  },
  restrict(
    ['workflows/**/*.ts'],
    [...ioLibraries, 'yaml', 'zod', 'liquidjs', '@temporalio/activity'],
    [
      nodeBuiltins,
      { group: ['**/activities/*', '!**/activities/types.js'], message: 'workflows import only activity types.' },
      { group: ['**/store/*', '**/channels/*', '**/api/**', '**/cli/*'], message: 'workflows stay deterministic.' },
    ],
  ),
  restrict(
    ['engine/**/*.ts'],
    [...ioLibraries, '@temporalio/workflow', '@temporalio/activity'],
    [
      { ...nodeBuiltins },
      {
        group: ['**/store/*', '**/channels/*', '**/api/**', '**/activities/*', '**/workflows/*'],
        message: 'engine/ is pure.',
      },
    ],
  ),
  restrict(
    ['definitions/**/*.ts'],
    [...ioLibraries, '@temporalio/workflow', '@temporalio/activity'],
    [
      {
        group: [
          '**/engine/*',
          '**/store/*',
          '**/channels/*',
          '**/api/**',
          '**/activities/*',
          '**/workflows/*',
          '**/cli/*',
        ],
        message: 'definitions/ imports nothing from the other folders.',
      },
    ],
  ),
  restrict(['channels/**/*.ts'], [...temporalPackages, 'mongoose'], [storeModels]),
  restrict(['store/**/*.ts'], temporalPackages, []),
  restrict(['api/**/*.ts', 'runtime/**/*.ts', 'cli/**/*.ts', 'activities/**/*.ts'], ['mongoose'], [storeModels]),
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
  {
    // The console's browser script (served as is, no build step).
    files: ['api/console/assets/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { document: 'readonly', window: 'readonly', HTMLSelectElement: 'readonly', HTMLFormElement: 'readonly' },
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    // Test bodies read untyped JSON (supertest, parsed fixtures); strictness there buys nothing.
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
