import { describe, expect, it } from 'vitest';
import { parseProvisioning, renderProvisioning, serialProblem, type Provisioning } from '../../../../src/agent/provisioning/provisioningFile.ts';

const VALID: Provisioning = {
  format: 1,
  serial: 'TBX-00012345',
  provisionedAt: '2026-12-07T06:00:00.000Z',
  initialPassword: {
    algorithm: 'scrypt', cost: 32768, blockSize: 8, parallelization: 3,
    salt: Buffer.alloc(16, 1).toString('base64'), hash: Buffer.alloc(32, 2).toString('base64'),
  },
};

const edited = (change: (data: Record<string, unknown>) => void): string => {
  const data = JSON.parse(renderProvisioning(VALID)) as Record<string, unknown>;
  change(data);
  return JSON.stringify(data);
};
const password = (data: Record<string, unknown>) => data.initialPassword as Record<string, unknown>;

describe('the provisioning file', () => {
  it('reads back what it renders', () => {
    expect(parseProvisioning(renderProvisioning(VALID))).toEqual({ ok: true, provisioning: VALID });
  });

  it('leaves alone what a later factory step of format 1 adds', () => {
    const text = edited((d) => (d.managementClient = { certificate: '-----BEGIN CERTIFICATE-----' }));
    expect(parseProvisioning(text)).toEqual({ ok: true, provisioning: VALID });
  });

  it.each<[string, string, string]>([
    ['text that is not JSON', '{"format": 1,', 'it is not JSON ('],
    ['a list', '[1]', 'it has no format version: not a tibox provisioning file'],
    ['JSON without a format', '{"serial": "TBX-00012345"}', 'it has no format version: not a tibox provisioning file'],
    ['a later format', edited((d) => (d.format = 2)), 'its format 2 is not known (this firmware reads format 1)'],
    ['a format given as text', edited((d) => (d.format = '1')), 'its format "1" is not known (this firmware reads format 1)'],
    ['no serial number', edited((d) => delete d.serial), 'its serial number is missing'],
    ['a bad serial number', edited((d) => (d.serial = 'TBX-123')), 'its serial number must be TBX- and 8 digits, such as TBX-00012345; got "TBX-123"'],
    ['no time', edited((d) => delete d.provisionedAt), 'its time of provisioning is missing or not an ISO time'],
    ['a time in other words', edited((d) => (d.provisionedAt = 'yesterday')), 'its time of provisioning is missing or not an ISO time'],
    ['no password hash', edited((d) => delete d.initialPassword), 'its initial password hash is missing'],
    ['another algorithm', edited((d) => (password(d).algorithm = 'md5')), 'its initial password hash uses "md5", not scrypt'],
    ['a cost that would take the box down', edited((d) => (password(d).cost = 2 ** 30)), 'its initial password hash has cost 1073741824, outside 1024 to 1048576'],
    ['a cost that is no power of two', edited((d) => (password(d).cost = 30000)), 'its initial password hash has a cost of 30000, not a power of two'],
    ['no block size', edited((d) => delete password(d).blockSize), 'its initial password hash has blockSize undefined, outside 1 to 32'],
    ['a short salt', edited((d) => (password(d).salt = 'AAAA')), 'its initial password hash has no salt of at least 16 bytes'],
    ['a hash that is not base64', edited((d) => (password(d).hash = 'not base64!')), 'its initial password hash has no hash of 16 to 64 bytes'],
  ])('says what is wrong with %s', (_name, text, reason) => {
    const parsed = parseProvisioning(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });
});

describe('the serial number', () => {
  it.each([
    ['TBX-00012345', undefined],
    ['TBX-0001234', 'must be TBX- and 8 digits, such as TBX-00012345; got "TBX-0001234"'],
    ['tbx-00012345', 'must be TBX- and 8 digits, such as TBX-00012345; got "tbx-00012345"'],
    ['TBX-00012345\n', 'must be TBX- and 8 digits, such as TBX-00012345; got "TBX-00012345\\n"'],
  ])('%j', (serial, problem) => {
    expect(serialProblem(serial)).toBe(problem);
  });
});
