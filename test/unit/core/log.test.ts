import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, SECRET_KEYS, subsystemLogger } from '../../../src/core/log.ts';

const SECRET = 'S3cret-do-not-log';

/** A logger at debug whose output is kept in memory, one JSON line per write. */
function memoryLog() {
  const raw: string[] = [];
  const destination = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      raw.push(String(chunk));
      callback();
    },
  });
  const log = createLogger({ level: 'debug', destination });
  return {
    log,
    text: () => raw.join(''),
    lines: () => raw.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes one JSON line per call with level, service, time and message', () => {
    const { log, lines } = memoryLog();
    log.info({ revision: 3 }, 'configuration changed');
    log.debug('details');
    expect(lines()).toEqual([
      { level: 30, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), service: 'tibox', revision: 3, msg: 'configuration changed' },
      { level: 20, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), service: 'tibox', msg: 'details' },
    ]);
  });

  describe.each(SECRET_KEYS)('redacts the value under %s', (key) => {
    it('at the top level', () => {
      const { log, lines, text } = memoryLog();
      log.info({ [key]: SECRET, peer: 'tsp' }, 'top');
      expect(lines()[0]).toMatchObject({ [key]: '[redacted]', peer: 'tsp' });
      expect(text()).not.toContain(SECRET);
    });

    it('one level deep', () => {
      const { log, lines, text } = memoryLog();
      log.info({ profile: { [key]: SECRET, name: 'Praxis' } }, 'one');
      expect(lines()[0]).toMatchObject({ profile: { [key]: '[redacted]', name: 'Praxis' } });
      expect(text()).not.toContain(SECRET);
    });

    it('two levels deep', () => {
      const { log, lines, text } = memoryLog();
      log.info({ change: { vpn: { [key]: SECRET, port: 4500 } } }, 'two');
      expect(lines()[0]).toMatchObject({ change: { vpn: { [key]: '[redacted]', port: 4500 } } });
      expect(text()).not.toContain(SECRET);
    });
  });

  it('redacts the example of the contract: log.info({ profile: { key } })', () => {
    const { log, text } = memoryLog();
    log.info({ profile: { key: 'SECRET', cert: 'public' } });
    expect(text()).not.toContain('SECRET');
    expect(text()).toContain('public');
  });

  it('leaves the caller\'s object untouched', () => {
    const { log } = memoryLog();
    const profile = { key: SECRET };
    log.info({ profile }, 'x');
    expect(profile.key).toBe(SECRET);
  });
});

describe('subsystemLogger', () => {
  it('tags every line with the subsystem and still redacts', () => {
    const { log, lines, text } = memoryLog();
    const firewall = subsystemLogger(log, 'firewall');
    firewall.warn({ psk: SECRET }, 'reload failed');
    log.info('root line');
    expect(lines().map((l) => [l.subsystem, l.msg, l.psk])).toEqual([
      ['firewall', 'reload failed', '[redacted]'],
      [undefined, 'root line', undefined],
    ]);
    expect(text()).not.toContain(SECRET);
  });
});
