// The config store: SQLite through better-sqlite3. A write commits one of two configs that differ
// in every field, as one revision with one audit entry per field; the check opens the database as
// the agent does and loads the effective config, which must be A or B whole, with no newer
// revision refused, and with the audit entries of exactly its own commit.
import { isDeepStrictEqual } from 'node:util';
import { CONFIG_SCHEMA, type Config } from '../../../src/agent/store/configSchema.ts';
import { ConfigStore } from '../../../src/agent/store/configStore.ts';
import { openDatabase } from '../../../src/agent/store/database.ts';
import { broken, reading, type KilledWriter, type StateName } from './writers.ts';

const STATES: Record<StateName, Config> = {
  A: {
    box: { name: 'Praxis Dr. Muster, Empfang' },
    practice: {
      name: 'Praxis Dr. Muster', street: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', bsnr: '721234500',
      installerName: 'A. Technik', installerCompany: 'Praxis-IT Berlin',
    },
    ui: { language: 'de' },
    interfaces: { lan: 'lan0', wan: 'wan0', lanFallback: '169.254.77.1/16', terminals: ['term0'] },
    wan: { mode: 'dhcp', address: '', gateway: '', resolvers: [] },
    tunnel: { enabled: true, wanMtu: 0 },
    updates: { openingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], openingFrom: '06:00', openingUntil: '22:00', closedOnHolidays: true, installMinutes: 30 },
    log: { level: 'info' },
  },
  B: {
    box: { name: 'Praxis Nord, Labor' },
    practice: { name: 'Praxis Nord', street: 'Nordweg 2', postalCode: '20095', city: 'Hamburg', bsnr: '', installerName: 'B. Service', installerCompany: 'Nord-IT' },
    ui: { language: 'en' },
    interfaces: { lan: 'eth1', wan: 'eth0', lanFallback: '169.254.88.1/16', terminals: ['term1', 'term2'] },
    wan: { mode: 'static', address: '192.168.178.2/24', gateway: '192.168.178.1', resolvers: ['192.168.178.1'] },
    tunnel: { enabled: false, wanMtu: 1452 },
    updates: { openingDays: ['mon', 'tue', 'thu', 'sat'], openingFrom: '07:30', openingUntil: '24:00', closedOnHolidays: false, installMinutes: 45 },
    log: { level: 'debug' },
  },
};

/** Every field as the audit log names it ('box.name'), with its value. */
function fieldsOf(config: object, prefix = ''): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).flatMap(([key, value]: [string, unknown]) =>
      typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(fieldsOf(value, `${prefix}${key}.`)) : [[`${prefix}${key}`, value]],
    ),
  );
}

export const configWriter: KilledWriter = {
  async open(dir) {
    const { db } = openDatabase(dir);
    const store = new ConfigStore({ db, schema: CONFIG_SCHEMA });
    return {
      write: async (state) => void store.commit(STATES[state], 'kill test'),
      close: async () => void db.close(),
    };
  },

  check: (dir) =>
    reading(async () => {
      const { db } = openDatabase(dir);
      try {
        const store = new ConfigStore({ db, schema: CONFIG_SCHEMA });
        const loaded = store.load();
        if (loaded.fallback) return broken(`revision ${loaded.fallback.revision} refused: ${JSON.stringify(loaded.fallback.errors)}`);
        if (loaded.revision === 0) return 'none';
        const state = (['A', 'B'] as const).find((s) => isDeepStrictEqual(loaded.config, STATES[s]));
        if (!state) return broken(`revision ${loaded.revision} holds neither state: ${JSON.stringify(loaded.config)}`);
        // A and B differ in every field, so a commit of one over the other audits every field.
        const audited = Object.fromEntries(store.audit().filter((e) => e.revision === loaded.revision).map((e) => [e.path, e.new]));
        if (!isDeepStrictEqual(audited, fieldsOf(STATES[state]))) return broken(`revision ${loaded.revision} (${state}) has the audit entries ${JSON.stringify(audited)}`);
        return state;
      } finally {
        db.close();
      }
    }),

  async tear(dir) {
    // A commit made of separate statements, killed after the revision and before its audit entries.
    const { db } = openDatabase(dir);
    try {
      db.prepare("INSERT INTO config_revisions (revision, committed_at, actor, config) SELECT max(revision) + 1, '2025-03-01T08:00:00.000Z', 'torn', ? FROM config_revisions")
        .run(JSON.stringify(STATES.B));
    } finally {
      db.close();
    }
  },
};
