// Lint: the recommended JavaScript rules, typescript-eslint's type-checked rules that find real
// defects (each package's tsconfig gives the types, through the project service), and the
// architecture: packages import only downwards (client → api → schema → search → workers), only
// through each other's public entry points, and no GraphQL below schema.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The packages, top to bottom: each may import the ones after it, never the ones before. */
const LAYERS = ['client', 'api', 'schema', 'search', 'workers'];
const GRAPHQL = ['graphql', 'graphql-*', 'nexus', 'nexus-*', '@apollo/*', '@as-integrations/*', '@escape.tech/*', 'dataloader'];

/** Import restrictions of one package: no package above it, no other package's internals. */
function layerRules(pkg) {
  const above = LAYERS.slice(0, LAYERS.indexOf(pkg));
  const patterns = [
    {
      group: ['@frontier/*/src/*', '@frontier/*/dist/*', '@frontier/*/src', '@frontier/*/dist'],
      message: "Import another package through its public entry point ('@frontier/x' or '@frontier/x/testing'), never its src or dist.",
    },
    {
      group: ['../../*/src/*', '../../../*/src/*', '../../../../*/src/*', '../../../../../*/src/*'],
      message: 'Import another package by its name, never by a relative path into its sources.',
    },
  ];
  if (above.length > 0) {
    patterns.push({
      group: above.map((p) => `@frontier/${p}`).concat(above.map((p) => `@frontier/${p}/*`)),
      message: `Dependencies point down (${LAYERS.join(' → ')}): ${pkg} may not import ${above.join(', ')}.`,
    });
  }
  if (pkg === 'search' || pkg === 'workers') {
    patterns.push({ group: GRAPHQL, message: 'GraphQL stays in schema and api: workers and search never import it.' });
  }
  return { 'no-restricted-imports': ['error', { patterns }] };
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench-results/**', '.frontier/**', '.nx/**', '**/*.d.ts', 'schema/src/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Type-checked rules that catch real defects: lost rejections, promises where a value is
      // expected, assertions the compiler already knows, awaiting what is not a promise.
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Pass a seeded Rng instead.' },
      ],
    },
  },
  ...LAYERS.map((pkg) => ({ files: [`${pkg}/src/**/*.ts`], rules: layerRules(pkg) })),
  {
    // The dashboard runs in the browser: no Node modules, no package of the stack (it talks to the
    // server over HTTP and WebSocket only); it shares the client's typed documents and formatting.
    files: ['client/dashboard/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', '@frontier/*'], message: 'The dashboard runs in the browser: it reaches the server over HTTP and WebSocket only.' },
          ],
        },
      ],
    },
  },
  {
    // The test package sits beside the stack: it may import any package, but only through its
    // public entry points, and it keeps GraphQL clients to its own end-to-end tests.
    files: ['test/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@frontier/*/src/*', '@frontier/*/dist/*', '../../*/src/*', '../../../*/src/*'],
              message: "Import a package through its public entry point ('@frontier/x' or '@frontier/x/testing').",
            },
          ],
        },
      ],
    },
  },
  {
    // Samplers and kernels are reproducible from a seed: no wall clock, no unseeded randomness.
    files: ['search/src/samplers/**/*.ts', 'search/src/space/**/*.ts', 'workers/src/compress/**/*.ts', 'workers/src/train/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Pass a seeded Rng instead.' },
        { object: 'Date', property: 'now', message: 'Samplers and kernels take no wall clock: results must depend on the seed alone.' },
      ],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date']", message: 'Samplers and kernels take no wall clock.' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
