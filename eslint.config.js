import tseslint from 'typescript-eslint';

// Processes are started only by the one runner, with argument arrays (SECURITY.md). This is the
// one file exempt from the rules below that keep child_process and the process bindings out of
// every other source and test.
const PROCESS_RUNNER = 'src/core/runner.ts';
const processMessage = `Start processes through ${PROCESS_RUNNER}.`;
const CHILD_PROCESS = '/^(node:)?child_process$/';
// What no-restricted-imports does not see: the module loaded by a call (import(), require, a
// created require under any name, process.getBuiltinModule), with a string or a template literal,
// a TypeScript `import x = require()`, and the native bindings that spawn without the module.
const PROCESS_SYNTAX = [
  `ImportExpression[source.value=${CHILD_PROCESS}]`,
  `ImportExpression[source.quasis.0.value.cooked=${CHILD_PROCESS}]`,
  `CallExpression[arguments.0.value=${CHILD_PROCESS}]`,
  `CallExpression[arguments.0.quasis.0.value.cooked=${CHILD_PROCESS}]`,
  `TSExternalModuleReference[expression.value=${CHILD_PROCESS}]`,
  "MemberExpression[object.name='process'][property.name=/^(binding|_linkedBinding)$/]",
  "MemberExpression[object.property.name='process'][property.name=/^(binding|_linkedBinding)$/]",
].join(', ');

export default tseslint.config(
  { ignores: ['node_modules/**', '.lab/**', 'build/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'child_process', message: processMessage },
          { name: 'node:child_process', message: processMessage },
        ],
      }],
      'no-restricted-syntax': ['error', { selector: PROCESS_SYNTAX, message: processMessage }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: [PROCESS_RUNNER], rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' } },
);
