// Run by configStore.test.ts in a process of its own: opens the database, loads the config many
// times while allocating enough for the garbage collector to run in between, then prints
// `survived`. better-sqlite3 12 on Node 24 aborts the whole process when the collector finalizes a
// statement or an iterate() iterator, so opening or loading that leaves either behind ends this
// process instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_SCHEMA } from '../../../src/agent/store/configSchema.ts';
import { ConfigStore } from '../../../src/agent/store/configStore.ts';
import { openDatabase } from '../../../src/agent/store/database.ts';

const dir = mkdtempSync(join(tmpdir(), 'tibox-config-gc-'));
const { db } = openDatabase(dir);
try {
  const store = new ConfigStore({ db, schema: CONFIG_SCHEMA });
  store.commit({ box: { name: 'Praxis' } }, 'test');
  store.commit({ box: { name: 'Praxis Nord' } }, 'test');
  let garbage: unknown[] = [];
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 100; i++) store.load();
    garbage = Array.from({ length: 100_000 }, (_, i) => ({ i }));
    // The collector's finalizers run between tasks.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  process.stdout.write(garbage.length > 0 ? 'survived\n' : 'nothing allocated\n');
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
