// `make executables`: the agent, the boot restore, the web UI and the CLI as one Node
// single-executable application, in image/out/tibox/ laid out as the image installs it
// (docs/image.md):
//   bin/tibox              the Node 24 of package.json with the bundled sources injected
//   bin/tibox-*            the agent's service launcher, the shell services and hooks the agent names by path
//   package.json           version and git commit, for `tibox --version` and the status
//   node_modules/          the native addons and the one module the sources load at run time
// The sources are bundled to one CommonJS file with esbuild (a single executable runs CommonJS
// only), then injected with postject. The build goes to a directory of its own and replaces the
// previous one in a rename, so a failed build leaves the last good one.
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processRunner } from '../src/core/runner.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(repo, 'image', 'out');
const target = join(out, 'tibox');
const work = join(out, `.tibox-${process.pid}`);

// Loaded from node_modules beside the binary, not bundled: the addons' loaders (better-sqlite3's
// own, node-gyp-build) find the .node file from their own path, and pkcs12.ts loads node-forge lazily
// through createRequire. Only the files they load at run time are copied.
const RUNTIME_FILES: Record<string, readonly string[]> = {
  'better-sqlite3': ['package.json', 'lib', `prebuilds/${process.platform}-${process.arch}.node`],
  netlink: ['package.json', 'dist', `prebuilds/${process.platform}-${process.arch}`],
  'node-gyp-build': ['package.json', 'index.js', 'node-gyp-build.js'],
  'node-forge': ['package.json', 'lib'],
};
const EXTERNAL = ['better-sqlite3', 'netlink'];
const SCRIPTS = ['tibox-agent', 'tibox-wan-dhcp', 'tibox-practice-dhcp', 'tibox-resume-updown', 'tibox-rauc-pre-install'];
// The lean runtime of bin/tibox-node, for the agent and the CLI alike: the CLI runs for a moment
// and loses little by it. MALLOC_ARENA_MAX=2 is the service unit's, an environment variable.
const EXEC_ARGV = ['--max-semi-space-size=1', '--no-opt', '--no-maglev', '--optimize-for-size'];
// The fuse Node looks for to know it carries an application (Node's documentation names it).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Where a source's compiled file is in the installation: src/webui/auth/x.ts is lib/webui/auth/x.cjs. */
function installedPath(source: string): string {
  return relative(repo, source).replace(/^src\//, 'lib/').replace(/\.ts$/, '.cjs');
}

/**
 * A CommonJS bundle has no import.meta. Each source's import.meta.url becomes the URL its
 * compiled file would have in the installation (lib/, beside the binary's bin/), so the paths the
 * sources resolve from it (../../bin/tibox-wan-dhcp, ../../package.json)
 * land in the installation as they land beside src/ in a checkout. import.meta.main is the
 * bundle's entry only, never a module in it.
 */
const importMetaPlugin: Plugin = {
  name: 'import-meta-in-installation',
  setup(b) {
    b.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const url = `__tiboxSourceUrl(${JSON.stringify(installedPath(args.path))})`;
      return { contents: source.replaceAll('import.meta.url', url).replaceAll('import.meta.main', 'false'), loader: 'ts' };
    });
  },
};

/**
 * pdfkit's ES module build finds its data from import.meta.url, which a CommonJS bundle has not,
 * and its CommonJS build loads the standard fonts' metrics through a require made at run time from
 * its own path, which the executable has not either. The CommonJS build is bundled, its font
 * requires made plain ones that esbuild follows, so the metrics are in the bundle.
 */
const pdfkitPlugin: Plugin = {
  name: 'pdfkit-fonts-in-bundle',
  setup(b) {
    const pdfkit = join(repo, 'node_modules', 'pdfkit', 'js', 'pdfkit.js');
    b.onResolve({ filter: /^pdfkit$/ }, () => ({ path: pdfkit }));
    b.onLoad({ filter: /\/node_modules\/pdfkit\/js\/pdfkit\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const fonts = source.replaceAll("require$1('#standard-fonts/", "require('#standard-fonts/");
      if (fonts === source) throw new Error('pdfkit no longer loads its standard fonts as image/executables.ts expects');
      return { contents: fonts, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

// In a single executable, require() loads only Node's own modules: the externals come through a
// require rooted at the installation, as does every source's URL.
const BANNER = `"use strict";
const __tiboxRoot = require("node:path").join(require("node:path").dirname(process.execPath), "..");
require = require("node:module").createRequire(require("node:path").join(__tiboxRoot, "package.json"));
const __tiboxSourceUrl = (file) => require("node:url").pathToFileURL(require("node:path").join(__tiboxRoot, file)).href;`;

async function git(...args: string[]): Promise<string> {
  return (await processRunner.run('git', ['-C', repo, ...args])).stdout.trim();
}

async function main(): Promise<void> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'bin'), { recursive: true });
  const bundle = join(work, 'tibox.cjs');
  const options: BuildOptions = {
    bundle: true, platform: 'node', format: 'cjs', target: 'node24', external: EXTERNAL,
    plugins: [importMetaPlugin, pdfkitPlugin], banner: { js: BANNER }, logLevel: 'warning',
  };
  await build({ ...options, entryPoints: [join(repo, 'src', 'agent', 'executable.ts')], outfile: bundle });

  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { name: string; version: string };
  const dirty = (await git('status', '--porcelain', '--untracked-files=no')) !== '';
  const commit = `${await git('rev-parse', '--short=12', 'HEAD')}${dirty ? '-dirty' : ''}`;
  writeFileSync(join(work, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, commit, private: true }, null, 2)}\n`);

  const blob = join(work, 'tibox.blob');
  const seaConfig = join(work, 'sea-config.json');
  writeFileSync(seaConfig, JSON.stringify({
    main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, execArgv: EXEC_ARGV,
  }));
  // The code cache is only taken by a V8 with the same flags.
  await processRunner.run(process.execPath, [...EXEC_ARGV, '--experimental-sea-config', seaConfig]);

  // Node's symbols are of no use on the box; stripped before the blob goes in.
  const binary = join(work, 'bin', 'tibox');
  copyFileSync(process.execPath, binary);
  chmodSync(binary, 0o755);
  await processRunner.run('strip', [binary]);
  await processRunner.run(join(repo, 'node_modules', '.bin', 'postject'), [binary, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], { timeoutMs: 120_000 });
  rmSync(bundle);
  rmSync(blob);
  rmSync(seaConfig);

  for (const script of SCRIPTS) copyFileSync(join(repo, 'bin', script), join(work, 'bin', script));
  for (const [name, files] of Object.entries(RUNTIME_FILES)) {
    for (const file of files) {
      // Type declarations and source maps are of no use at run time.
      cpSync(join(repo, 'node_modules', name, file), join(work, 'node_modules', name, file), { recursive: true, filter: (path) => !/\.(d\.ts|map)$/.test(path) });
    }
  }

  rmSync(target, { recursive: true, force: true });
  renameSync(work, target);
}

await main().catch((error: unknown) => {
  rmSync(work, { recursive: true, force: true });
  throw error;
});
