import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, formatMessage, TiboxError } from '../../../src/core/errors.ts';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { parseGroupId } from '../../../src/control/group.ts';

describe('error catalogue', () => {
  it('declares stable TIBOX_ codes with an HTTP error status', () => {
    for (const [code, definition] of Object.entries(ERROR_CATALOGUE)) {
      expect(code).toMatch(/^TIBOX_[A-Z_]+$/);
      expect(definition.status).toBeGreaterThanOrEqual(400);
      expect(definition.status).toBeLessThan(600);
    }
  });

  it('builds a TiboxError from code, parameters and details', () => {
    const error = new TiboxError('TIBOX_ACTION_FAILED', { action: 'tunnel.up', reason: 'no profile' }, { step: 1 });
    expect(error).toBeInstanceOf(Error);
    expect([error.code, error.status, error.message, error.details]).toEqual([
      'TIBOX_ACTION_FAILED',
      500,
      'action "tunnel.up" failed: no profile',
      { step: 1 },
    ]);
  });

  it('leaves unknown placeholders visible', () => {
    expect(formatMessage('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});

describe('parseGroupId', () => {
  const text = 'root:x:0:\ntibox-old:x:990:\nbroken:x:abc:\ntibox:x:995:www-data,admin\n';

  it('finds the gid by exact name', () => {
    expect(parseGroupId(text, 'tibox')).toBe(995);
    expect(parseGroupId(text, 'root')).toBe(0);
  });

  it('is undefined for a missing group or an unreadable line', () => {
    expect(parseGroupId(text, 'tib')).toBeUndefined();
    expect(parseGroupId(text, 'broken')).toBeUndefined();
    expect(parseGroupId('', 'tibox')).toBeUndefined();
  });
});

describe('ControlActions', () => {
  it('registers each name once and lists them sorted', () => {
    const actions = new ControlActions();
    actions.register('tunnel.up', () => 'up');
    actions.register('profile.import', () => 'imported');
    expect(() => actions.register('tunnel.up', () => 'again')).toThrow('action "tunnel.up" is already registered');
    expect(actions.names()).toEqual(['profile.import', 'tunnel.up']);
  });

  it('refuses names that are not dotted lower camel case', () => {
    const actions = new ControlActions();
    for (const name of ['', 'Tunnel.up', 'tunnel..up', 'tunnel/up', 'tunnel.up.']) {
      expect(() => actions.register(name, () => null)).toThrow('invalid action name');
    }
  });

  it('runs a handler and reports an unknown name as TIBOX_UNKNOWN_ACTION', async () => {
    const actions = new ControlActions();
    actions.register('test.add', (args) => (args as { a: number; b: number }).a + (args as { a: number; b: number }).b);
    expect(await actions.run('test.add', { a: 2, b: 3 }, { actor: 'test' })).toBe(5);
    await expect(actions.run('test.sub', {}, { actor: 'test' })).rejects.toMatchObject({ code: 'TIBOX_UNKNOWN_ACTION', status: 404 });
  });
});
