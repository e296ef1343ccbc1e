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

const PROCESS_IMPORTS = [
  { name: 'child_process', message: processMessage },
  { name: 'node:child_process', message: processMessage },
];

// The arrows point down (src/core/index.ts): core imports nothing of tibox's own; control only
// core; each subsystem only core (the web UI and the updater also the control client); only the
// composition root, src/agent, imports several subsystems. Tests, the lab and benchmarks may
// import anything.
const LAYERS = {
  core: [],
  control: ['core'],
  ipsec: ['core'],
  firewall: ['core'],
  lan: ['core'],
  wan: ['core'],
  webui: ['core', 'control'],
  updater: ['core', 'control'],
};
const TOP_FOLDERS = ['agent', ...Object.keys(LAYERS)];

/** no-restricted-imports for a file of `layer` (none: outside src): no child_process, no folder above or beside it. */
function restrictedImports(layer) {
  const allowed = layer === undefined ? TOP_FOLDERS : [layer, ...LAYERS[layer]];
  return {
    paths: PROCESS_IMPORTS,
    patterns: TOP_FOLDERS.filter((folder) => !allowed.includes(folder)).map((folder) => ({
      // A relative path that climbs out of src/<layer> into src/<folder>.
      regex: `^(\\.\\./)+${folder}(/|$)`,
      message: `src/${layer} may import only ${['its own files', ...LAYERS[layer].map((f) => `src/${f}`)].join(' and ')} (src/core/index.ts).`,
    })),
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', '.lab/**', 'build/**', '.build-*/**', 'image/out/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-restricted-imports': ['error', restrictedImports(undefined)],
      'no-restricted-syntax': ['error', { selector: PROCESS_SYNTAX, message: processMessage }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...Object.keys(LAYERS).map((layer) => ({ files: [`src/${layer}/**/*.ts`], rules: { 'no-restricted-imports': ['error', restrictedImports(layer)] } })),
  // The runner may start processes; the layering still holds for it.
  {
    files: [PROCESS_RUNNER],
    rules: { 'no-restricted-imports': ['error', { patterns: restrictedImports('core').patterns }], 'no-restricted-syntax': 'off' },
  },
  // Rules that need the types (every .ts file is in tsconfig.json's project). A promise nobody
  // waits for must end in a rejection handler: on Node 24 an unhandled rejection ends the agent,
  // and `void` marks the intent without handling anything. Nor may a promise go where a plain
  // value or a callback whose result is ignored is expected.
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
