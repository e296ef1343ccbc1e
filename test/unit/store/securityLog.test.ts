// The security log as the download writes it: the four audit tables in the order of time, one
// line each, read in pages, with the agent's own writes going on between two pages.
import { describe, expect, it } from 'vitest';
import { ActionAuditStore, ConfigStore, CONFIG_SCHEMA, openMemoryDatabase, securityLog, securityLogLine, WebuiAccountStore } from '../../../src/agent/store/index.ts';

describe('the security log', () => {
  it('lists logins, config changes and actions in the order of time, in pages, while the database takes writes between them', () => {
    const { db } = openMemoryDatabase();
    const accounts = new WebuiAccountStore(db);
    const config = new ConfigStore({ db, schema: CONFIG_SCHEMA, now: () => new Date('2026-12-07T10:00:01.000Z') });
    accounts.recordLogin({ at: '2026-12-07T10:00:00.000Z', user: 'admin', source: '192.168.1.20', ok: false });
    accounts.recordLogin({ at: '2026-12-07T10:00:00.500Z', user: 'admin', source: '192.168.1.20', ok: true });
    config.commit({ box: { name: 'Praxis' } }, 'webui:admin');
    new ActionAuditStore(db).record({ at: '2026-12-07T10:00:02.000Z', actor: 'local-cli', action: 'tunnel.restart', detail: {} });
    const pages = securityLog(db, 2);
    const first = pages.next().value as string;
    // A write between two pages: the connection is free while the download waits.
    new ActionAuditStore(db).record({ at: '2026-12-07T10:00:03.000Z', actor: 'webui:admin', action: 'system.reboot', detail: {} });
    const text = first + [...pages].join('');
    expect(text.split('\n')).toEqual([
      '2026-12-07T10:00:00.000Z\tadmin\tlogin failed from 192.168.1.20',
      '2026-12-07T10:00:00.500Z\tadmin\tlogin succeeded from 192.168.1.20',
      '2026-12-07T10:00:01.000Z\twebui:admin\tconfig box.name: "tibox" -> "Praxis"',
      '2026-12-07T10:00:02.000Z\tlocal-cli\ttunnel.restart {}',
      '2026-12-07T10:00:03.000Z\twebui:admin\tsystem.reboot {}',
      '',
    ]);
  });

  it('is empty for a box with no entries, and escapes control characters in a line', () => {
    expect([...securityLog(openMemoryDatabase().db)]).toEqual([]);
    expect(securityLogLine({ at: 't', who: 'a\nb', what: 'x\ty' })).toBe('t\ta\\x0ab\tx\\x09y\n');
  });
});
