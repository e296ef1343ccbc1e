// `tibox config show|set|audit`: the pure text (typing KEY=VALUE by the schema, KEY=VALUE lines
// that go back in as printed, the commit's answer), then end to end in-process: the CLI, the
// control socket and the agent's config service on a database in a temporary directory.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/agent/cli/main.ts';
import { UsageError } from '../../../src/agent/cli/command.ts';
import { formatAudit, formatCommit, formatSettings, parseAssignments, selectFields, valueText } from '../../../src/agent/cli/configText.ts';
import { ConfigService } from '../../../src/agent/config.ts';
import type { AgentEvents } from '../../../src/agent/events.ts';
import { defaultConfig, describeSchema } from '../../../src/agent/store/index.ts';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { EventBus } from '../../../src/core/eventBus.ts';
import { Health } from '../../../src/core/health.ts';
import { ControlServer } from '../../../src/control/server.ts';
import { groupFile, memoryLogger, tempDir } from './helpers.ts';

const FIELDS = describeSchema();
const NOW = new Date('2026-03-02T09:30:00.000Z');

describe('config set arguments', () => {
  it('types each value by its field and nests the keys into one change', () => {
    expect(parseAssignments(['practice.name=Praxis Dr. Muster', 'tunnel.enabled=false', 'interfaces.terminals=term0, term1', 'practice.bsnr='], FIELDS)).toEqual({
      practice: { name: 'Praxis Dr. Muster', bsnr: '' },
      tunnel: { enabled: false },
      interfaces: { terminals: ['term0', 'term1'] },
    });
  });

  it('takes an empty list, a JSON list, and an = inside the value', () => {
    expect(parseAssignments(['interfaces.terminals='], FIELDS)).toEqual({ interfaces: { terminals: [] } });
    expect(parseAssignments(['interfaces.terminals=["term0","term2"]'], FIELDS)).toEqual({ interfaces: { terminals: ['term0', 'term2'] } });
    expect(parseAssignments(['box.name=a=b'], FIELDS)).toEqual({ box: { name: 'a=b' } });
  });

  it.each<[string, string[], string]>([
    ['nothing', [], 'config set needs at least one KEY=VALUE'],
    ['no =', ['practice.bsnr'], "'practice.bsnr' is not KEY=VALUE, e.g. practice.bsnr=021234500"],
    ['no key', ['=x'], "'=x' is not KEY=VALUE, e.g. practice.bsnr=021234500"],
    ['a misspelt key', ['practice.bnsr=1'], "no setting 'practice.bnsr'; the group practice has practice.name, practice.street, practice.postalCode, practice.city, practice.bsnr, practice.installerName, practice.installerCompany"],
    ['an unknown group', ['vpn.gateway=x'], "no setting 'vpn.gateway'; the groups are box, practice, ui, interfaces, wan, tunnel, updates, log ('tibox config show' lists every setting)"],
    ['a group as a key', ['tunnel=off'], 'tunnel is a group; set its settings one by one: tunnel.enabled, tunnel.wanMtu'],
    ['a key twice', ['box.name=a', 'box.name=b'], 'box.name is given twice'],
    ['a boolean in other words', ['tunnel.enabled=yes'], "tunnel.enabled must be true or false, got 'yes'"],
    ['a broken JSON list', ['interfaces.terminals=["term0"'], `interfaces.terminals: '["term0"' is not a JSON list; give the entries separated by commas, or a JSON list such as ["a","b"]`],
    ['a __proto__ key', ['__proto__.x=1'], "no setting '__proto__.x'; the groups are box, practice, ui, interfaces, wan, tunnel, updates, log ('tibox config show' lists every setting)"],
  ])('refuses %s in words', (_name, args, message) => {
    expect(() => parseAssignments(args, FIELDS)).toThrow(new UsageError(message, ['config', 'set']));
  });
});

describe('config show lines', () => {
  const config = {
    ...defaultConfig(),
    box: { name: "Praxis Dr. O'Neill" },
    interfaces: { ...defaultConfig().interfaces, terminals: ['term0', 'term1'] },
  };

  it('prints one KEY=VALUE line a setting, quoted for a shell where needed', () => {
    expect(formatSettings(config, selectFields(FIELDS, 'box'))).toBe(`box.name='Praxis Dr. O'\\''Neill'\n`);
    expect(formatSettings(config, selectFields(FIELDS, 'interfaces'))).toBe(
      'interfaces.lan=lan0\ninterfaces.wan=wan0\ninterfaces.lanFallback=169.254.77.1/16\ninterfaces.terminals=term0,term1\n',
    );
    expect(formatSettings(config, selectFields(FIELDS, 'practice.bsnr'))).toBe("practice.bsnr=''\n");
    expect(formatSettings(config, selectFields(FIELDS, undefined)).split('\n')).toHaveLength(FIELDS.length + 1);
  });

  it('prints values that config set takes back as they were', () => {
    const values: unknown[] = [[], ['a,b'], [''], [' x'], ['[x', 'y'], [1, 2], 'text, with comma', '', true, 7];
    for (const value of values) {
      const type = Array.isArray(value) ? 'list' : typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'integer' : 'string';
      const of = { type: Array.isArray(value) && typeof value[0] === 'number' ? 'integer' : 'string' };
      const field = { path: 'x.y', type, label: { de: '', en: '' }, help: { de: '', en: '' }, default: value, secret: false, constraints: { of } } as const;
      expect(parseAssignments([`x.y=${valueText(value)}`], [field]), JSON.stringify(value)).toEqual({ x: { y: value } });
    }
  });

  it('prints a setting the config lacks as empty rather than failing', () => {
    expect(formatSettings({}, selectFields(FIELDS, 'box'))).toBe("box.name=''\n");
  });

  it('refuses an unknown group or key, naming the groups', () => {
    expect(() => selectFields(FIELDS, 'practise')).toThrow("no setting or group 'practise'; the groups are box, practice, ui, interfaces, wan, tunnel, updates, log");
  });
});

describe('config answers', () => {
  it('prints the revision and each change, and for a network change how to keep it', () => {
    const changes = [{ revision: 4, at: NOW.toISOString(), actor: 'local-cli', path: 'practice.bsnr', old: '', new: '021234500' }];
    expect(formatCommit({ revision: 4, changes })).toBe("Committed revision 4:\n  practice.bsnr: '' -> 021234500\n");
    expect(formatCommit({ revision: 4, changes: [] })).toBe('Nothing changed (revision 4).\n');
    const fallback = [{ revision: 5, at: NOW.toISOString(), actor: 'local-cli', path: 'interfaces.lanFallback', old: '169.254.77.1/16', new: '169.254.78.1/16' }];
    const pending = { revision: 5, actor: 'local-cli', startedAt: NOW.toISOString(), deadline: '2026-03-02T09:31:30.000Z', paths: ['interfaces.lanFallback'], remainingS: 90 };
    expect(formatCommit({ revision: 5, changes: fallback, pending })).toBe(
      [
        'Committed revision 5:',
        '  interfaces.lanFallback: 169.254.77.1/16 -> 169.254.78.1/16',
        'Pending until 2026-03-02T09:31:30.000Z: rolled back by itself unless confirmed in time with: tibox config confirm 5',
        '',
      ].join('\n'),
    );
  });

  it('prints the audit log as a table, or says there is none', () => {
    expect(formatAudit([])).toBe('No configuration changes recorded.\n');
    expect(formatAudit([{ revision: 2, at: '2026-03-02T09:30:00.000Z', actor: 'local-cli', path: 'practice.name', old: '', new: 'Praxis Nord' }])).toBe(
      ['TIME                      REVISION  ACTOR      SETTING        OLD  NEW', "2026-03-02T09:30:00.000Z  2         local-cli  practice.name  ''   'Praxis Nord'", ''].join('\n'),
    );
  });
});

describe('tibox config, end to end in-process', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: ControlServer;
  let service: ConfigService;
  let socket: string;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    const log = memoryLogger().log;
    service = new ConfigService({
      dataDir: dir,
      stateDir: join(dir, 'state'),
      health: new Health(() => undefined),
      bus: new EventBus<AgentEvents>(() => undefined),
      log,
      setLogLevel: () => undefined,
      now: () => NOW,
    });
    await service.start(AbortSignal.timeout(5_000));
    const actions = new ControlActions();
    service.registerActions(actions);
    socket = join(dir, 'control.sock');
    server = new ControlServer({ socketPath: socket, status: () => { throw new Error('not asked'); }, actions, log, groupFile: await groupFile(dir, true) });
    await server.start(AbortSignal.timeout(5_000));
  });

  afterEach(async () => {
    await server.stop();
    await service.stop();
    await cleanup();
  });

  async function run(...argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main(['--socket', socket, ...argv], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, now: () => NOW });
    return { code, stdout, stderr };
  }

  it('sets the practice data in one revision and shows it back', async () => {
    const set = await run('config', 'set', 'practice.name=Praxis Dr. Muster', 'practice.postalCode=01067', 'practice.bsnr=021234500');
    expect(set).toEqual({
      code: 0,
      stdout: "Committed revision 1:\n  practice.name: '' -> 'Praxis Dr. Muster'\n  practice.postalCode: '' -> 01067\n  practice.bsnr: '' -> 021234500\n",
      stderr: '',
    });
    expect((await run('config', 'show', 'practice')).stdout).toBe(
      [
        "practice.name='Praxis Dr. Muster'", "practice.street=''", 'practice.postalCode=01067', "practice.city=''", 'practice.bsnr=021234500',
        "practice.installerName=''", "practice.installerCompany=''", '',
      ].join('\n'),
    );
    expect(JSON.parse((await run('config', 'show', 'practice.bsnr', '--json')).stdout)).toEqual({ revision: 1, settings: { 'practice.bsnr': '021234500' } });
    expect((await run('config')).stdout).toContain("\npractice.name='Praxis Dr. Muster'\n");
  });

  it('refuses a bad BSNR with the reason and changes nothing, the good values beside it neither', async () => {
    const refused = await run('config', 'set', 'practice.name=Praxis Nord', 'practice.bsnr=12345');
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: 'tibox: the configuration change was refused: practice.bsnr must be the 9 digits of the operating-site number (BSNR), such as 021234500, or empty\n',
    });
    expect(service.current()).toEqual({ config: defaultConfig(), revision: 0 });
  });

  it('refuses an unknown key before asking the agent for a change, with a pointer to the help', async () => {
    const refused = await run('config', 'set', 'practice.name=Praxis Nord', 'practice.phone=0351');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^tibox: no setting 'practice.phone'; the group practice has .*; see 'tibox config set --help'\n$/);
    expect(service.current().revision).toBe(0);
  });

  it('shows the audit log of the changes, newest first', async () => {
    await run('config', 'set', 'practice.city=Dresden');
    await run('config', 'set', 'practice.city=Leipzig', 'practice.installerName=Jörg Schmidt');
    const { stdout } = await run('config', 'audit', '--limit', '2');
    expect(stdout.split('\n').slice(1, 3)).toEqual([
      "2026-03-02T09:30:00.000Z  2         local-cli  practice.installerName  ''       'Jörg Schmidt'",
      '2026-03-02T09:30:00.000Z  2         local-cli  practice.city           Dresden  Leipzig',
    ]);
    expect(await run('config', 'audit', '--limit', '0')).toMatchObject({ code: 2, stderr: "tibox: option '--limit' needs a whole number from 1 to 1000; see 'tibox config audit --help'\n" });
  });
});
