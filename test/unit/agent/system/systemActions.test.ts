// The system page's actions in the agent: the reboot, audited with who asked and answered before
// it happens, refused in words where the agent runs on no box of its own; the security log as the
// control API's download.
import { describe, expect, it } from 'vitest';
import { ControlActions } from '../../../../src/core/controlActions.ts';
import { TiboxError } from '../../../../src/core/errors.ts';
import { openMemoryDatabase, WebuiAccountStore } from '../../../../src/agent/store/index.ts';
import { SECURITY_LOG_DOWNLOAD, wireSystem } from '../../../../src/agent/wiring/system.ts';
import type { AgentContext } from '../../../../src/agent/wiring/context.ts';
import { memoryLogger } from '../../control/helpers.ts';

function context(systemUpdates: object | undefined) {
  const actions = new ControlActions();
  const audited: { actor: string; action: string }[] = [];
  const { db } = openMemoryDatabase();
  const logger = memoryLogger();
  const ctx = {
    actions,
    audit: (actor: string, action: string) => audited.push({ actor, action }),
    logFor: () => logger.log,
    options: { runner: { run: () => Promise.reject(new Error('no command may run')) }, ...(systemUpdates ? { systemUpdates } : {}) },
    config: { database: () => db },
  } as unknown as AgentContext;
  return { ctx, actions, audited, db };
}

describe('the system actions', () => {
  it('reboots a box on request, after answering, and audits who asked', async () => {
    const { ctx, actions, audited } = context({});
    const reasons: string[] = [];
    wireSystem(ctx, { reboot: { reboot: async (reason) => void reasons.push(reason) }, listening: async () => [] });
    expect(await actions.run('system.reboot', {}, { actor: 'webui:admin' })).toEqual({ rebooting: true });
    expect(audited).toEqual([{ actor: 'webui:admin', action: 'system.reboot' }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reasons).toEqual(['asked for by webui:admin']);
  });

  it('refuses a reboot in words where the agent runs on no box of its own, and audits nothing', async () => {
    const { ctx, actions, audited } = context(undefined);
    wireSystem(ctx, { listening: async () => [] });
    const refused = await actions.run('system.reboot', {}, { actor: 'webui:admin' }).catch((error: unknown) => error);
    expect((refused as TiboxError).code).toBe('TIBOX_REBOOT_UNAVAILABLE');
    expect(audited).toEqual([]);
  });

  it('offers the security log as a download, audited with who read it', () => {
    const { ctx, db, audited } = context(undefined);
    new WebuiAccountStore(db).recordLogin({ at: '2026-12-07T10:00:00.000Z', user: 'admin', source: '192.168.1.20', ok: false });
    const { downloads } = wireSystem(ctx, { listening: async () => [] });
    const source = downloads.get(SECURITY_LOG_DOWNLOAD);
    expect([...((source?.('webui:admin') ?? []) as Iterable<string>)].join('')).toBe('2026-12-07T10:00:00.000Z\tadmin\tlogin failed from 192.168.1.20\n');
    expect(audited).toEqual([{ actor: 'webui:admin', action: 'securityLog.download' }]);
  });
});
