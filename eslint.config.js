import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.lab/**', 'build/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Processes are started only by the one runner, with argument arrays (SECURITY.md).
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'child_process', message: 'Use src/agent/runner.ts.' },
          { name: 'node:child_process', message: 'Use src/agent/runner.ts.' },
        ],
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/agent/runner.ts'], rules: { 'no-restricted-imports': 'off' } },
);
