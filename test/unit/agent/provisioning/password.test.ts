import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT, generatePassword, hashPassword, PASSWORD_ALPHABET, passwordProblem, verifyPassword,
} from '../../../../src/agent/provisioning/password.ts';
import { CHEAP_SCRYPT } from './fixtures.ts';

describe('the initial password', () => {
  it('is 16 symbols of the unambiguous alphabet in four groups', () => {
    const password = generatePassword();
    expect(password).toMatch(new RegExp(`^[${PASSWORD_ALPHABET}]{4}(-[${PASSWORD_ALPHABET}]{4}){3}$`));
    expect(PASSWORD_ALPHABET).not.toMatch(/[0o1liyzI]/);
    expect(new Set(PASSWORD_ALPHABET).size).toBe(29);
  });

  it('draws every symbol uniformly from the whole alphabet', () => {
    const asked: number[] = [];
    let n = 0;
    const password = generatePassword((max) => (asked.push(max), n++ % max));
    expect(asked).toEqual(Array(16).fill(29));
    expect(password).toBe('abcd-efgh-jkmn-pqrs');
  });

  it('differs from box to box', () => {
    expect(new Set(Array.from({ length: 50 }, () => generatePassword())).size).toBe(50);
  });

  it.each([
    ['short', 'elf chars!!', 'must be at least 12 characters long'],
    ['long', 'x'.repeat(129), 'must be at most 128 characters long'],
    ['with a tab', 'twelve\tchars!', 'must contain printable characters only'],
    ['fine', 'lab initial password', undefined],
    ['fine with umlauts', 'Grüße aus Köln', undefined],
  ])('judges a given password that is %s', (_name, password, problem) => {
    expect(passwordProblem(password)).toBe(problem);
  });
});

describe('the password hash', () => {
  it('is scrypt with the default cost, its parameters recorded, and verifies only the password it was made from', async () => {
    const stored = await hashPassword('k7mq-3xtr-9pfa-uw4e');
    expect(stored).toMatchObject({ algorithm: 'scrypt', ...DEFAULT_SCRYPT });
    expect(Buffer.from(stored.salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(stored.hash, 'base64')).toHaveLength(32);
    expect(await verifyPassword(stored, 'k7mq-3xtr-9pfa-uw4e')).toBe(true);
    expect(await verifyPassword(stored, 'k7mq-3xtr-9pfa-uw4f')).toBe(false);
  });

  it('salts each hash anew, so two boxes with the same password share no hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same password here', CHEAP_SCRYPT), hashPassword('same password here', CHEAP_SCRYPT)]);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
  });

  it('checks with the parameters the hash records', async () => {
    const stored = await hashPassword('lab initial password', CHEAP_SCRYPT);
    expect(stored.cost).toBe(1024);
    expect(await verifyPassword(stored, 'lab initial password')).toBe(true);
  });

  it('takes a password typed decomposed as the same password', async () => {
    const stored = await hashPassword('Gr\u00fc\u00dfe aus K\u00f6ln', CHEAP_SCRYPT);
    expect(await verifyPassword(stored, 'Gru\u0308\u00dfe aus Ko\u0308ln')).toBe(true);
  });

  it('refuses an overlong guess without hashing it', async () => {
    const stored = await hashPassword('x'.repeat(128), CHEAP_SCRYPT);
    expect(await verifyPassword(stored, 'x'.repeat(128))).toBe(true);
    expect(await verifyPassword(stored, 'x'.repeat(100_000))).toBe(false);
  });
});
