// Type-aware promise rules only: Biome does the rest of the lint and the formatting. A promise nobody awaits, returns
// or handles turns a failure into an unhandled rejection, which stops a program and fails the whole CI run; these rules
// need the types (a library method's return type) to see that, which Biome cannot yet do reliably.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      'test-artifacts/**',
      // Kept floating on purpose: test/lint/floating-promises.test.ts proves the rules report it.
      'test/lint/fixtures/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `void promise` counts as floating too: a deliberate fire-and-forget must handle its failure itself.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      // An async function where a callback's result is ignored (event listeners, timers) floats its promise.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: true, attributes: true } }],
    },
  },
);
