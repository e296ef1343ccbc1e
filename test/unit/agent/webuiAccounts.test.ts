// The web UI's account: the initial password logs in only to be changed, a change needs the old
// one and a new one that passes, is kept as a scrypt hash and audited without the password.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMemoryDatabase, WebuiAccountStore, type Db } from '../../../src/agent/store/index.ts';
import { WebuiAccounts } from '../../../src/agent/webuiAccounts.ts';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { TiboxError } from '../../../src/core/errors.ts';

const INITIAL = 'k7mq-3xtr-9pfa-uw4e';
const NOW = new Date('2026-03-01T10:00:00.000Z');
let db: Db;
let audited: string[];
let actions: ControlActions;
let provisioned: boolean;

beforeEach(() => {
  db = openMemoryDatabase().db;
  audited = [];
  provisioned = true;
  actions = new ControlActions();
  new WebuiAccounts({
    store: () => new WebuiAccountStore(db),
    isInitialPassword: async (password) => {
      if (!provisioned) throw new TiboxError('TIBOX_NOT_PROVISIONED', { reason: 'no provisioning file' });
      return password === INITIAL;
    },
    audit: (actor, action, detail) => void audited.push(`${actor} ${action} ${JSON.stringify(detail)}`),
    now: () => NOW,
  }).registerActions(actions);
});
afterEach(() => db.close());

const login = (user: string, password: string) => actions.run('webui.login', { user, password, source: '192.168.1.20' }, { actor: 'webui:anonymous' });
const change = (oldPassword: string, newPassword: string) => actions.run('webui.changePassword', { user: 'admin', oldPassword, newPassword }, { actor: 'webui:admin' });

describe('the web UI account', () => {
  it('logs in with the initial password only to change it, and with nothing else', async () => {
    expect(await login('admin', INITIAL)).toEqual({ ok: true, mustChange: true, passwordChangedAt: null, failedSince: 0, previousLogin: null });
    expect(await login('admin', 'wrong')).toEqual({ ok: false, mustChange: false, passwordChangedAt: null });
    expect(await login('root', INITIAL)).toEqual({ ok: false, mustChange: false, passwordChangedAt: null });
    provisioned = false;
    expect(await login('admin', INITIAL)).toMatchObject({ ok: false });
  });

  it('logs every attempt with its source and tells a successful login the failures since the previous one', async () => {
    await login('admin', INITIAL);
    await login('admin', 'wrong');
    await login('admin', 'also wrong');
    await login('mallory', 'x');
    expect(await login('admin', INITIAL)).toMatchObject({ ok: true, failedSince: 2, previousLogin: NOW.toISOString() });
    expect(await login('admin', INITIAL)).toMatchObject({ ok: true, failedSince: 0 });
    const rows = db.prepare('SELECT user, source, ok FROM webui_logins ORDER BY id').all();
    expect(rows).toEqual([
      { user: 'admin', source: '192.168.1.20', ok: 1 },
      { user: 'admin', source: '192.168.1.20', ok: 0 },
      { user: 'admin', source: '192.168.1.20', ok: 0 },
      { user: 'mallory', source: '192.168.1.20', ok: 0 },
      { user: 'admin', source: '192.168.1.20', ok: 1 },
      { user: 'admin', source: '192.168.1.20', ok: 1 },
    ]);
  });

  it('changes the password with the old one: the new one logs in without a forced change, the initial one no more', async () => {
    expect(await change(INITIAL, 'Praxis-Nord sagt 2026 Hallo!')).toEqual({ passwordChangedAt: NOW.toISOString() });
    expect(await login('admin', 'Praxis-Nord sagt 2026 Hallo!')).toEqual({ ok: true, mustChange: false, passwordChangedAt: NOW.toISOString(), failedSince: 0, previousLogin: null });
    expect(await login('admin', INITIAL)).toMatchObject({ ok: false });
    expect(audited).toEqual(['webui:admin webui.changePassword {"user":"admin"}']);
    const stored = db.prepare('SELECT password FROM webui_accounts').get() as { password: string };
    expect(stored.password).not.toContain('Praxis');
    expect(JSON.parse(stored.password)).toMatchObject({ algorithm: 'scrypt', cost: 2 ** 15 });
  });

  it('refuses a change without the right old password, or to a short or unchanged one, and changes nothing', async () => {
    await expect(change('wrong', 'Praxis-Nord sagt 2026 Hallo!')).rejects.toMatchObject({ code: 'TIBOX_WEBUI_WRONG_PASSWORD', status: 403 });
    await expect(change(INITIAL, 'kurz')).rejects.toMatchObject({ code: 'TIBOX_WEBUI_PASSWORD_REFUSED', message: 'the new password was refused: it must be at least 12 characters long' });
    await expect(change(INITIAL, INITIAL)).rejects.toMatchObject({ code: 'TIBOX_WEBUI_PASSWORD_REFUSED' });
    await expect(actions.run('webui.changePassword', { user: 'admin', oldPassword: INITIAL }, { actor: 'webui:admin' })).rejects.toMatchObject({ code: 'TIBOX_BAD_REQUEST' });
    expect(db.prepare('SELECT count(*) AS n FROM webui_accounts').get()).toEqual({ n: 0 });
    expect(audited).toEqual([]);
    expect(await login('admin', INITIAL)).toMatchObject({ ok: true, mustChange: true });
  });
});
