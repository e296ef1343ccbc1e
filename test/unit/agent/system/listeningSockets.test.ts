// The services that listen, from the kernel's socket tables as /proc/net writes them (lines as a
// Linux 6 kernel printed them) and from the processes' descriptors, in a /proc tree made here.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listeningServices, parseProcNet, readListeningServices, socketInode } from '../../../../src/agent/system/listeningSockets.ts';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const TCP = `${HEADER}   0: 0201A8C0:01BB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0000000052caca13 100 0 0 10 0
   1: 0100007F:A273 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1 0000000052caca13 100 0 0 10 0
   2: 0201A8C0:01BB 1401A8C0:C350 01 00000000:00000000 00:00000000 00000000     0        0 1003 1 0000000052caca13 100 0 0 10 0
`;
const TCP6 = `${HEADER}   0: 00000000000000000000000000000000:0035 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1004 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1005 1 0000000000000000 100 0 0 10 0
`;
const UDP = `${HEADER}  10: 00000000:01F4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1006 2 0000000000000000 0
  11: 0201A8C0:D431 0A0A0A0A:0035 01 00000000:00000000 00:00000000 00000000     0        0 1007 2 0000000000000000 0
  12: 00000000:0043 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1008 2 0000000000000000 0
`;

describe('parseProcNet', () => {
  it('takes TCP sockets in LISTEN with their address, port and inode, on a little-endian host', () => {
    expect(parseProcNet(TCP, 'tcp', 'LE')).toEqual([
      { proto: 'tcp', address: '192.168.1.2', port: 443, inode: 1001 },
      { proto: 'tcp', address: '127.0.0.1', port: 41587, inode: 1002 },
    ]);
  });

  it('writes IPv6 addresses in their short form', () => {
    expect(parseProcNet(TCP6, 'tcp', 'LE')).toEqual([
      { proto: 'tcp', address: '::', port: 53, inode: 1004 },
      { proto: 'tcp', address: '::1', port: 8080, inode: 1005 },
    ]);
  });

  it('takes UDP sockets that are bound and not connected', () => {
    expect(parseProcNet(UDP, 'udp', 'LE').map((s) => [s.address, s.port])).toEqual([
      ['0.0.0.0', 500],
      ['0.0.0.0', 67],
    ]);
  });

  it('reads the words in the order of a big-endian host', () => {
    expect(parseProcNet(TCP, 'tcp', 'BE')[0]?.address).toBe('2.1.168.192');
  });

  it('passes over lines it cannot read', () => {
    expect(parseProcNet(`${HEADER}garbage\n   0: XYZ:01BB 00000000:0000 0A 0 0 0 0 0 1001\n\n`, 'tcp', 'LE')).toEqual([]);
  });
});

describe('listeningServices', () => {
  it('names the programs holding each socket, merges sockets on the same address and port, marks loopback ones and sorts by port', () => {
    const sockets = [...parseProcNet(TCP, 'tcp', 'LE'), ...parseProcNet(UDP, 'udp', 'LE'), { proto: 'udp' as const, address: '0.0.0.0', port: 500, inode: 1009 }];
    const programs = new Map([
      [1001, ['node']],
      [1006, ['charon-systemd']],
      [1009, ['charon-systemd']],
    ]);
    expect(listeningServices(sockets, programs)).toEqual([
      { proto: 'tcp', address: '192.168.1.2', port: 443, programs: ['node'], localOnly: false },
      { proto: 'tcp', address: '127.0.0.1', port: 41587, programs: [], localOnly: true },
      { proto: 'udp', address: '0.0.0.0', port: 67, programs: [], localOnly: false },
      { proto: 'udp', address: '0.0.0.0', port: 500, programs: ['charon-systemd'], localOnly: false },
    ]);
  });

  it('reads the socket inode of a descriptor link only', () => {
    expect([socketInode('socket:[1001]'), socketInode('/dev/null'), socketInode('pipe:[5]')]).toEqual([1001, undefined, undefined]);
  });
});

describe('readListeningServices', () => {
  const proc = mkdtempSync(join(tmpdir(), 'tibox-proc-'));
  afterAll(() => rmSync(proc, { recursive: true, force: true }));

  it('reads the tables and the descriptors of a /proc tree, and passes over a process it cannot read', async () => {
    mkdirSync(join(proc, 'net'));
    writeFileSync(join(proc, 'net', 'tcp'), TCP);
    writeFileSync(join(proc, 'net', 'udp'), UDP);
    mkdirSync(join(proc, '42', 'fd'), { recursive: true });
    writeFileSync(join(proc, '42', 'comm'), 'tibox-webui\n');
    symlinkSync('socket:[1001]', join(proc, '42', 'fd', '7'));
    symlinkSync('/dev/null', join(proc, '42', 'fd', '0'));
    mkdirSync(join(proc, '43'));
    mkdirSync(join(proc, 'self'));
    const services = await readListeningServices(proc);
    expect(services.map((s) => `${s.proto} ${s.address}:${s.port} ${s.programs.join(',')}`)).toEqual([
      'tcp 192.168.1.2:443 tibox-webui',
      'tcp 127.0.0.1:41587 ',
      'udp 0.0.0.0:67 ',
      'udp 0.0.0.0:500 ',
    ]);
  });
});
