// The boot's LAN step against the fake kernel: from the record LanLinks keeps, a freshly booted
// kernel gets the owned addresses, the bridge and its ports back, up, so the agent that follows
// has nothing left to write; a missing port is skipped, nothing is ever deleted, and neither a
// missing or unreadable record nor a refused write stops the boot.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bootLinksDesired, restoreBootLinks } from '../../../src/lan/bootLinks.ts';
import { LanLinks, LINKS_STATE_FILE, parseOwned } from '../../../src/lan/lanLinks.ts';
import type { LanLinksDesired } from '../../../src/lan/linksModel.ts';
import { memoryLogger } from '../control/helpers.ts';
import { FakeLanKernel } from './fakeLanKernel.ts';

const desired: LanLinksDesired = {
  lan: { port: 'lan0', addresses: ['10.77.12.1/27', '192.168.100.1/24'] },
  terminals: { bridge: 'br-term', ports: ['term0'], addresses: ['10.77.12.33/27'] },
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tibox-lanboot-'));
  dirs.push(dir);
  return join(dir, 'state');
}

/** The state dir after the agent applied `applied` on a kernel of its own, and that kernel. */
async function applied(links: LanLinksDesired): Promise<{ dir: string; before: FakeLanKernel }> {
  const dir = stateDir();
  const before = new FakeLanKernel();
  await new LanLinks({ kernel: before, stateDir: dir, log: memoryLogger().log }).apply(links);
  return { dir, before };
}

describe('restoreBootLinks', () => {
  it('puts back what the agent applied, and the agent then has nothing left to write', async () => {
    const { dir, before } = await applied(desired);
    const booted = new FakeLanKernel();
    expect(await restoreBootLinks(dir, booted, memoryLogger().log)).toEqual({
      writes: [
        'ip link add br-term type bridge',
        'ip link set term0 master br-term',
        'ip link set lan0 up',
        'ip link set term0 up',
        'ip link set br-term up',
        'ip addr add 10.77.12.1/27 dev lan0',
        'ip addr add 192.168.100.1/24 dev lan0',
        'ip addr add 10.77.12.33/27 dev br-term',
      ],
      missing: [],
    });
    expect(booted.text()).toBe(before.text());
    await new LanLinks({ kernel: booted, stateDir: dir, log: memoryLogger().log }).apply(desired);
    expect(booted.writes).toHaveLength(8);
  });

  it('writes nothing the second time', async () => {
    const { dir } = await applied(desired);
    const booted = new FakeLanKernel();
    await restoreBootLinks(dir, booted, memoryLogger().log);
    expect(await restoreBootLinks(dir, booted, memoryLogger().log)).toEqual({ writes: [], missing: [] });
  });

  it('skips a missing port, says so, and puts back the rest', async () => {
    const { dir } = await applied(desired);
    const booted = new FakeLanKernel(['lo', 'lan0', 'wan0']);
    const { log, lines } = memoryLogger();
    expect((await restoreBootLinks(dir, booted, log)).missing).toEqual(['term0']);
    expect(booted.text()).toBe(
      ['addr br-term 10.77.12.33/27', 'addr lan0 10.77.12.1/27', 'addr lan0 192.168.100.1/24', 'link br-term bridge up', 'link lan0 up', 'link wan0 down'].join('\n'),
    );
    expect(lines().find((l) => l.level === 40)).toMatchObject({ msg: 'LAN ports missing at boot: their part skipped', missing: ['term0'] });
  });

  it('deletes nothing it finds: addresses of others, a port someone else put into the bridge', async () => {
    const { dir } = await applied(desired);
    const booted = new FakeLanKernel(['lo', 'lan0', 'wan0', 'term0', 'term1'], ['lan0 192.168.1.57/24 dynamic', 'wan0 192.168.178.2/24']);
    await booted.write({ op: 'createBridge', name: 'br-term' });
    await booted.write({ op: 'setMaster', port: 'term1', master: 'br-term' });
    await restoreBootLinks(dir, booted, memoryLogger().log);
    expect(booted.text()).toBe(
      [
        'addr br-term 10.77.12.33/27', 'addr lan0 10.77.12.1/27', 'addr lan0 192.168.1.57/24 dynamic', 'addr lan0 192.168.100.1/24', 'addr wan0 192.168.178.2/24',
        'link br-term bridge up', 'link lan0 up', 'link term0 master br-term up', 'link term1 master br-term down', 'link wan0 down',
      ].join('\n'),
    );
  });

  it('does nothing without a record, or with one it cannot read, and says so', async () => {
    const dir = stateDir();
    const booted = new FakeLanKernel();
    const { log, lines } = memoryLogger();
    expect(await restoreBootLinks(dir, booted, log)).toEqual({ writes: [], missing: [] });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, LINKS_STATE_FILE), '{"addresses": "lan0"}');
    expect(await restoreBootLinks(dir, booted, log)).toEqual({ writes: [], missing: [] });
    expect(booted.writes).toEqual([]);
    expect(lines().map((l) => l.msg)).toEqual(['no record of owned LAN links: nothing to restore', 'record of owned LAN links unreadable: nothing restored']);
  });

  it('reports what it could not do instead of throwing', async () => {
    const { dir } = await applied(desired);
    const booted = new FakeLanKernel(['lo', 'lan0', 'term0', 'veth:br-term']);
    const { log, lines } = memoryLogger();
    expect(await restoreBootLinks(dir, booted, log)).toEqual({
      writes: [],
      missing: [],
      error: 'the terminal bridge name br-term belongs to a link of kind veth, not to a bridge',
    });
    expect(lines().at(-1)).toMatchObject({ level: 50, msg: 'owned LAN links not restored: the agent puts them in place' });
  });
});

describe('bootLinksDesired', () => {
  it('gives each owned bridge its ports and addresses, and every other device its addresses', () => {
    expect(
      bootLinksDesired({
        addresses: [
          { dev: 'br-term', address: '10.77.12.33/27' },
          { dev: 'lan0', address: '10.77.12.1/27' },
          // Written between the old and the new LAN port's addresses: both are put back.
          { dev: 'lan1', address: '10.88.0.1/27' },
        ],
        bridges: ['br-term'],
        members: [{ port: 'term0', bridge: 'br-term' }, { port: 'term1', bridge: 'br-term' }],
      }),
    ).toEqual({
      ports: [{ port: 'lan0', addresses: ['10.77.12.1/27'] }, { port: 'lan1', addresses: ['10.88.0.1/27'] }],
      bridges: [{ bridge: 'br-term', ports: ['term0', 'term1'], addresses: ['10.77.12.33/27'] }],
    });
  });

  it('puts back a bridge without addresses, before a profile', () => {
    expect(bootLinksDesired({ addresses: [], bridges: ['br-term'], members: [{ port: 'term0', bridge: 'br-term' }] })).toEqual({
      ports: [],
      bridges: [{ bridge: 'br-term', ports: ['term0'], addresses: [] }],
    });
  });

  it('reads a record written before members were kept as one without them', () => {
    const owned = parseOwned('{"addresses":[{"dev":"br-term","address":"10.77.12.33/27"}],"bridges":["br-term"]}\n');
    expect(owned).toEqual({ addresses: [{ dev: 'br-term', address: '10.77.12.33/27' }], bridges: ['br-term'], members: [] });
    expect(bootLinksDesired(owned ?? { addresses: [], bridges: [], members: [] }).bridges).toEqual([{ bridge: 'br-term', ports: [], addresses: ['10.77.12.33/27'] }]);
  });
});
