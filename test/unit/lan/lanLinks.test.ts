// LanLinks against the fake kernel: the plan's writes in order, idempotent applies (no write the
// second time), desired states in random order always ending in that state's text, repair after
// someone else changes the ports, addresses of others left alone (a DHCP lease, one added by
// hand), ownership that survives a restart through the state file, and apply(null) removing
// only what tibox added or created.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/log.ts';
import { LanLinks, LINKS_STATE_FILE } from '../../../src/lan/lanLinks.ts';
import { NOTHING_OWNED, type LanLinksDesired } from '../../../src/lan/linksModel.ts';
import { planLinks } from '../../../src/lan/linksPlan.ts';
import { FakeLanKernel } from './fakeLanKernel.ts';

const desired: LanLinksDesired = {
  lan: { port: 'lan0', addresses: ['10.77.12.1/27', '192.168.100.1/24'] },
  terminals: { bridge: 'br-term', ports: ['term0'], addresses: ['10.77.12.33/27'] },
};
const desiredText = [
  'addr br-term 10.77.12.33/27',
  'addr lan0 10.77.12.1/27',
  'addr lan0 192.168.100.1/24',
  'link br-term bridge up',
  'link lan0 up',
  'link term0 master br-term up',
  'link term1 down',
  'link wan0 down',
].join('\n');

/** A terminal port stays up once tibox brought it up, also after it left the bridge. */
const ignoringPortsUp = (text: string) => text.replace(/^link (term\d) up$/gm, 'link $1 down');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(kernel = new FakeLanKernel(), stateDir = join(mkdtempSync(join(tmpdir(), 'tibox-lan-')), 'state')) {
  dirs.push(join(stateDir, '..'));
  const lines: string[] = [];
  const log = createLogger({ destination: new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(String(chunk)), cb()) }) });
  const links = new LanLinks({ kernel, stateDir, log, settleMs: 5, intervalMs: 60_000 });
  return { kernel, links, stateDir, lines };
}

const until = async (check: () => boolean, ms = 1_000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
};

describe('planLinks', () => {
  it('creates the bridge and enslaves ports before links go up, and adds addresses last', async () => {
    const kernel = new FakeLanKernel();
    const plan = planLinks(desired, await kernel.read(), NOTHING_OWNED);
    expect(plan.ops.map((op) => JSON.stringify(op))).toEqual([
      '{"op":"createBridge","name":"br-term"}',
      '{"op":"setMaster","port":"term0","master":"br-term"}',
      '{"op":"setUp","name":"lan0"}',
      '{"op":"setUp","name":"term0"}',
      '{"op":"setUp","name":"br-term"}',
      '{"op":"addAddress","dev":"lan0","address":"10.77.12.1/27"}',
      '{"op":"addAddress","dev":"lan0","address":"192.168.100.1/24"}',
      '{"op":"addAddress","dev":"br-term","address":"10.77.12.33/27"}',
    ]);
    expect(plan.owned).toEqual({
      addresses: [
        { dev: 'br-term', address: '10.77.12.33/27' },
        { dev: 'lan0', address: '10.77.12.1/27' },
        { dev: 'lan0', address: '192.168.100.1/24' },
      ],
      bridges: ['br-term'],
      members: [{ port: 'term0', bridge: 'br-term' }],
    });
    expect(plan.missing).toEqual([]);
  });

  it('adds the new segment before it deletes the old one', async () => {
    const kernel = new FakeLanKernel(['lan0'], ['lan0 10.77.12.1/27']);
    const next = { lan: { port: 'lan0', addresses: ['10.88.0.1/27'] }, terminals: null };
    const plan = planLinks(next, await kernel.read(), { ...NOTHING_OWNED, addresses: [{ dev: 'lan0', address: '10.77.12.1/27' }] });
    expect(plan.ops.map((op) => op.op)).toEqual(['setUp', 'addAddress', 'deleteAddress']);
  });

  it('refuses a bridge name taken by another kind of link', async () => {
    const kernel = new FakeLanKernel(['lan0', 'term0', 'veth:br-term']);
    await expect(async () => planLinks(desired, await kernel.read(), NOTHING_OWNED)).rejects.toThrow(
      'the terminal bridge name br-term belongs to a link of kind veth, not to a bridge',
    );
  });
});

describe('LanLinks', () => {
  it('applies once and writes nothing when applied again with the same input', async () => {
    const { kernel, links, stateDir } = setup();
    await links.apply(desired);
    expect(kernel.text()).toBe(desiredText);
    const written = kernel.writes.length;
    await links.apply(structuredClone(desired));
    expect(kernel.writes.length).toBe(written);
    expect(JSON.parse(readFileSync(join(stateDir, LINKS_STATE_FILE), 'utf8'))).toEqual({
      addresses: [
        { dev: 'br-term', address: '10.77.12.33/27' },
        { dev: 'lan0', address: '10.77.12.1/27' },
        { dev: 'lan0', address: '192.168.100.1/24' },
      ],
      bridges: ['br-term'],
      members: [{ port: 'term0', bridge: 'br-term' }],
    });
  });

  it('leaves a DHCP lease and an address added by hand alone, and never claims one it finds', async () => {
    const kernel = new FakeLanKernel(['lo', 'lan0', 'wan0', 'term0', 'term1'], ['lan0 192.168.1.57/24 dynamic', 'lan0 10.77.12.1/27', 'wan0 192.168.178.2/24']);
    const { links } = setup(kernel);
    await links.apply(desired);
    await links.apply(null);
    expect(kernel.text()).toBe(
      ['addr lan0 10.77.12.1/27', 'addr lan0 192.168.1.57/24 dynamic', 'addr wan0 192.168.178.2/24', 'link lan0 up', 'link term0 up', 'link term1 down', 'link wan0 down'].join('\n'),
    );
  });

  it('uses a bridge it finds but never deletes it', async () => {
    const kernel = new FakeLanKernel(['lan0', 'term0', 'bridge:br-term']);
    const { links, stateDir } = setup(kernel);
    await links.apply(desired);
    expect(kernel.writes).not.toContain('ip link add br-term type bridge');
    // Neither the bridge nor its ports are tibox's: the boot leaves them to whoever made the bridge.
    expect(JSON.parse(readFileSync(join(stateDir, LINKS_STATE_FILE), 'utf8'))).toMatchObject({ bridges: [], members: [] });
    await links.apply(null);
    expect(kernel.text()).toBe(['link br-term bridge up', 'link lan0 up', 'link term0 master br-term up'].join('\n'));
  });

  it('releases a port taken out of the terminal ports, and removes the bridge when none are left', async () => {
    const { kernel, links } = setup();
    await links.apply({ ...desired, terminals: { bridge: 'br-term', ports: ['term0', 'term1'], addresses: ['10.77.12.33/27'] } });
    await links.apply(desired);
    expect(kernel.text()).toBe(desiredText.replace('link term1 down', 'link term1 up'));
    await links.apply({ ...desired, terminals: null });
    expect(kernel.text()).toBe(['addr lan0 10.77.12.1/27', 'addr lan0 192.168.100.1/24', 'link lan0 up', 'link term0 up', 'link term1 up', 'link wan0 down'].join('\n'));
  });

  it('ends in each state whatever the order it is applied in', async () => {
    const states: LanLinksDesired[] = [
      desired,
      { lan: { port: 'lan0', addresses: ['10.88.0.1/27'] }, terminals: { bridge: 'br-term', ports: ['term0', 'term1'], addresses: ['10.88.0.33/27'] } },
      { lan: { port: 'lan0', addresses: ['192.168.100.1/24'] }, terminals: { bridge: 'brt', ports: ['term1'], addresses: [] } },
      { lan: { port: 'lan0', addresses: [] }, terminals: null },
    ];
    const texts: string[] = [];
    for (const state of states) {
      const { kernel, links } = setup();
      await links.apply(state);
      texts.push(kernel.text());
    }
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: states.length - 1 }), { minLength: 1, maxLength: 6 }), async (order) => {
        const { kernel, links } = setup();
        for (const i of order) await links.apply(states[i] ?? null);
        const last = order[order.length - 1] ?? 0;
        expect(ignoringPortsUp(kernel.text())).toBe(ignoringPortsUp(texts[last] ?? ''));
        await links.apply(null);
        expect(kernel.text()).not.toMatch(/^addr|bridge/m);
      }),
      { numRuns: 30 },
    );
  });

  it('repairs an address deleted by someone else, and a port that left the bridge', async () => {
    const { kernel, links } = setup();
    await links.apply(desired);
    await links.start(AbortSignal.timeout(1_000));
    kernel.deleteAddress('lan0', '10.77.12.1/27');
    await until(() => kernel.text() === desiredText);
    expect(kernel.text()).toBe(desiredText);
    kernel.removeLink('br-term');
    await until(() => kernel.text() === desiredText);
    expect(kernel.text()).toBe(desiredText);
    await links.stop();
    expect(kernel.watchers).toBe(0);
  });

  it('waits for a missing port and puts its part in place when it appears', async () => {
    const kernel = new FakeLanKernel(['lan0', 'wan0', 'term1']);
    const { links } = setup(kernel);
    await links.start(AbortSignal.timeout(1_000));
    await links.apply(desired);
    expect(links.status()).toMatchObject({ state: 'degraded', detail: 'ports missing: term0' });
    kernel.addLink('term0', 'veth');
    await until(() => links.status().state === 'running');
    expect(kernel.text()).toBe(desiredText.replace('link term0 master br-term up', 'link term0 veth master br-term up'));
    await links.stop();
  });

  it('knows its own addresses after a restart, and removes only those', async () => {
    const { kernel, links, stateDir } = setup();
    await links.apply(desired);
    kernel.addAddress('lan0', '192.168.1.57/24', true);
    const restarted = setup(kernel, stateDir).links;
    await restarted.apply({ lan: { port: 'lan0', addresses: ['10.88.0.1/27'] }, terminals: null });
    expect(kernel.text()).toBe(['addr lan0 10.88.0.1/27', 'addr lan0 192.168.1.57/24 dynamic', 'link lan0 up', 'link term0 up', 'link term1 down', 'link wan0 down'].join('\n'));
  });

  it('starts without a record it cannot read, deleting nothing it finds', async () => {
    const kernel = new FakeLanKernel(['lan0'], ['lan0 10.77.12.1/27', 'lan0 10.66.0.1/27']);
    const { links, stateDir } = setup(kernel);
    await links.apply({ lan: { port: 'lan0', addresses: [] }, terminals: null });
    writeFileSync(join(stateDir, LINKS_STATE_FILE), '{"addresses": "lan0"}');
    const restarted = setup(kernel, stateDir);
    await restarted.links.apply({ lan: { port: 'lan0', addresses: ['10.77.12.1/27'] }, terminals: null });
    expect(kernel.text()).toBe(['addr lan0 10.66.0.1/27', 'addr lan0 10.77.12.1/27', 'link lan0 up'].join('\n'));
    expect(restarted.lines.join('')).toContain('record of owned LAN links unreadable');
  });

  it('reports a kernel that refuses a write as failed, and converges on the next event', async () => {
    const kernel = new FakeLanKernel(['lan0', 'term0', 'veth:br-term']);
    const { links } = setup(kernel);
    await links.start(AbortSignal.timeout(1_000));
    await expect(links.apply(desired)).rejects.toThrow('belongs to a link of kind veth');
    expect(links.status()).toMatchObject({ state: 'failed' });
    kernel.removeLink('br-term');
    await until(() => links.status().state === 'running');
    expect(links.status().state).toBe('running');
    await links.stop();
  });
});
