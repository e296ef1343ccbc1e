// The strength a new web UI password needs: 12 characters and zxcvbn's top score, so a dictionary
// word, a common password and their usual variations fail, and a sentence passes.
import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit, LimitBusyError } from '../../../src/webui/auth/concurrencyLimit.ts';
import { STRENGTH_CHECKS, strengthOf } from '../../../src/webui/auth/passwordStrength.ts';

const checks = new ConcurrencyLimit(STRENGTH_CHECKS);

describe('strengthOf', () => {
  it.each([
    ['Sonnenblume', 'tooShort'],
    ['Sonnenblume1', 'tooGuessable'],
    ['Zahnarztpraxis2024', 'tooGuessable'],
    ['Passwort123456', 'tooGuessable'],
    ['qwertzuiop123', 'tooGuessable'],
    ['x'.repeat(129), 'tooLong'],
  ])('refuses %j as %s', async (password, problem) => {
    expect(await strengthOf(password, checks)).toMatchObject({ acceptable: false, problem });
  });

  it.each(['Praxis-Nord sagt 2026 Hallo!', 'k7mq-3xtr-9pfa-uw4e', 'Zweiter Satz mit 2027 Wörtern'])('accepts %j', async (password) => {
    expect(await strengthOf(password, checks)).toEqual({ score: 4, acceptable: true });
  });

  it('refuses a check with "busy" while the limit has no place and no room to wait', async () => {
    const full = new ConcurrencyLimit({ running: 1, waiting: 0 });
    let release = () => undefined as void;
    const holding = full.run(() => new Promise<void>((resolve) => (release = resolve)));
    await expect(strengthOf('Praxis-Nord sagt 2026 Hallo!', full)).rejects.toBeInstanceOf(LimitBusyError);
    release();
    await holding;
    expect(await strengthOf('Praxis-Nord sagt 2026 Hallo!', full)).toEqual({ score: 4, acceptable: true });
  });
});
