// The strength a new web UI password needs: 12 characters and zxcvbn's top score, so a dictionary
// word, a common password and their usual variations fail, and a sentence passes.
import { describe, expect, it } from 'vitest';
import { strengthOf } from '../../../src/webui/auth/passwordStrength.ts';

describe('strengthOf', () => {
  it.each([
    ['Sonnenblume', 'tooShort'],
    ['Sonnenblume1', 'tooGuessable'],
    ['Zahnarztpraxis2024', 'tooGuessable'],
    ['Passwort123456', 'tooGuessable'],
    ['qwertzuiop123', 'tooGuessable'],
    ['x'.repeat(129), 'tooLong'],
  ])('refuses %j as %s', async (password, problem) => {
    expect(await strengthOf(password)).toMatchObject({ acceptable: false, problem });
  });

  it.each(['Praxis-Nord sagt 2026 Hallo!', 'k7mq-3xtr-9pfa-uw4e', 'Zweiter Satz mit 2027 Wörtern'])('accepts %j', async (password) => {
    expect(await strengthOf(password)).toEqual({ score: 4, acceptable: true });
  });
});
