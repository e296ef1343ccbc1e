import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../../src/core/log.ts';
import type { ProbeOutcome } from '../../../../src/ipsec/pathMtu/dfSearch.ts';
import { PathMtuWatch } from '../../../../src/ipsec/pathMtu/pathMtuWatch.ts';
import type { MtuDecision } from '../../../../src/ipsec/pathMtu/mtuPlan.ts';
import { viciMessage, type Named } from '../../../../src/ipsec/vici/index.ts';

/** A carrying tunnel to `gateway` as list-sas shows it, AES-GCM-16 in UDP. */
function tunnelTo(gateway: string, ikeId: number, localHost = '192.168.178.2'): Named[] {
  return [{
    name: gateway === '192.0.2.10' ? 'tibox-gw1' : 'tibox-gw0',
    section: viciMessage({
      uniqueid: ikeId, state: 'ESTABLISHED', 'local-host': localHost, 'remote-host': gateway, 'remote-id': 'gw', established: 1,
      'child-sas': { [`ti-${ikeId}`]: { name: 'ti', uniqueid: ikeId, state: 'INSTALLED', 'encr-alg': 'AES_GCM_16', 'encr-keysize': 256, encap: 'yes' } },
    }),
  }];
}

/** The fake world: the SAs charon lists, each gateway's path MTU, the kernel's PMTU cache and the links. */
function world() {
  const w = {
    listing: [] as Named[],
    paths: new Map<string, number>([['198.51.100.10', 1452], ['192.0.2.10', 1400]]),
    cache: new Map<string, number>(),
    links: new Map<string, number>([['wan0', 1500], ['ipsec0', 1400]]),
    configured: 0,
    probes: [] as string[],
    flushes: 0,
    answering: true,
    health: new Map<string, string | undefined>(),
    changes: [] as MtuDecision[],
  };
  const watch = new PathMtuWatch({
    kernel: { watch: () => () => undefined },
    vici: { isConnected: true, listSas: async () => w.listing, subscribe: async () => async () => undefined },
    links: {
      read: async (name) => (w.links.has(name) ? { mtu: w.links.get(name) as number, up: true } : undefined),
      set: async (name, mtu) => void w.links.set(name, mtu),
    },
    probe: async (gateway, size): Promise<ProbeOutcome> => {
      w.probes.push(`${gateway} ${size}`);
      if (!w.answering) return { kind: 'silent' };
      const mtu = w.paths.get(gateway) as number;
      return size <= mtu ? { kind: 'answered' } : { kind: 'too-big', mtu };
    },
    pmtuCache: { read: async (gateway) => w.cache.get(gateway), flush: async () => void (w.flushes += 1) },
    wanPort: () => 'wan0',
    configured: () => w.configured,
    backend: async () => 'libipsec',
    health: { raise: (code, detail) => void w.health.set(code, detail), clear: (code) => void w.health.delete(code) },
    log: createLogger({ level: 'silent' }),
    onChange: (decision) => void w.changes.push(decision),
    intervalMs: 60_000,
    cacheCheckMs: 20,
  });
  return { w, watch };
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => stop?.());

async function started() {
  const { w, watch } = world();
  await watch.start(new AbortController().signal);
  stop = () => watch.stop();
  await watch.passNow();
  return { w, watch };
}

describe('PathMtuWatch', () => {
  it('assumes a small path before any tunnel and probes nothing', async () => {
    const { w, watch } = await started();
    expect(watch.current()).toMatchObject({ source: 'assumed', tunnelMtu: 1181 });
    expect(w.probes).toEqual([]);
    expect(w.links.get('ipsec0')).toBe(1181);
  });

  it('probes the gateway once a tunnel is up and sets the device and the clamp from what it found', async () => {
    const { w, watch } = await started();
    w.listing = tunnelTo('198.51.100.10', 1);
    await watch.passNow();
    expect(w.probes).toEqual(['198.51.100.10 1500', '198.51.100.10 1452']);
    // The kernel's cache is emptied first: it would answer for the path with what it learnt before.
    expect(w.flushes).toBe(1);
    expect(watch.current()).toMatchObject({ pathMtu: 1452, source: 'probed', tunnelMtu: 1389, mss: 1349 });
    expect(w.links.get('ipsec0')).toBe(1389);
    expect(w.changes.at(-1)).toMatchObject({ tunnelMtu: 1389 });
    expect(watch.mtuStatus()).toMatchObject({ gateway: '198.51.100.10', transform: 'AES_GCM_16-256, ESP in UDP', probes: 2 });
  });

  it('sends nothing on later passes while nothing changed, and sets the device again after charon made it anew', async () => {
    const { w, watch } = await started();
    w.listing = tunnelTo('198.51.100.10', 1);
    await watch.passNow();
    w.links.set('ipsec0', 1400);
    await watch.passNow();
    await watch.passNow();
    expect(w.probes).toHaveLength(2);
    expect(w.links.get('ipsec0')).toBe(1389);
  });

  it('probes again when the kernel learnt a smaller path MTU from "fragmentation needed"', async () => {
    const { w, watch } = await started();
    w.listing = tunnelTo('198.51.100.10', 1);
    await watch.passNow();
    w.paths.set('198.51.100.10', 1280);
    w.cache.set('198.51.100.10', 1280);
    await watch.passNow();
    expect(w.probes.slice(2)).toEqual(['198.51.100.10 1500', '198.51.100.10 1280']);
    expect(watch.current()).toMatchObject({ pathMtu: 1280, tunnelMtu: 1217 });
    expect(w.health.get('wan.smallPathMtu')).toBe('path MTU 1280 (probed towards 198.51.100.10): tunnel MTU 1217, TCP MSS 1177');
  });

  it('between passes reads only the kernel\'s cache, and probes again once it learnt a smaller path', async () => {
    const { w, watch } = await started();
    w.listing = tunnelTo('198.51.100.10', 1);
    await watch.passNow();
    const probes = w.probes.length;
    // Nothing learnt: the cache readings alone, no probe.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(w.probes).toHaveLength(probes);
    w.paths.set('198.51.100.10', 1280);
    w.cache.set('198.51.100.10', 1280);
    await vi.waitFor(() => expect(watch.current()).toMatchObject({ pathMtu: 1280, tunnelMtu: 1217 }), { timeout: 2_000, interval: 20 });
    expect(w.probes.slice(probes)).toEqual(['198.51.100.10 1500', '198.51.100.10 1280']);
  });

  it('follows a failover to a gateway behind a smaller path, and a new address on the tunnel', async () => {
    const { w, watch } = await started();
    w.listing = tunnelTo('198.51.100.10', 1);
    await watch.passNow();
    w.listing = tunnelTo('192.0.2.10', 2);
    await watch.passNow();
    expect(watch.current()).toMatchObject({ pathMtu: 1400, tunnelMtu: 1337, mss: 1297 });
    expect(w.health.has('wan.smallPathMtu')).toBe(false);
    w.listing = tunnelTo('192.0.2.10', 2, '192.168.178.3');
    await watch.passNow();
    expect(w.probes).toHaveLength(6);
  });

  it('takes the configured line MTU without probing, and probes again once it is 0', async () => {
    const { w, watch } = await started();
    w.configured = 1492;
    w.listing = tunnelTo('198.51.100.10', 1);
    await watch.passNow();
    expect(w.probes).toEqual([]);
    // 1429 would fit the line; kernel-libipsec's device takes 1400 at most.
    expect(watch.current()).toMatchObject({ pathMtu: 1492, source: 'configured', overhead: 63, tunnelMtu: 1400, mss: 1360 });
    w.configured = 0;
    await watch.passNow();
    expect(watch.current()).toMatchObject({ pathMtu: 1452, source: 'probed' });
    expect(w.probes).toHaveLength(2);
    // Set and back to 0 again: the path may have changed meanwhile, it is probed again.
    w.configured = 1400;
    await watch.passNow();
    w.configured = 0;
    await watch.passNow();
    expect(w.probes).toHaveLength(4);
  });

  it('keeps what it learnt towards a gateway when a search finds nothing answering (the WAN down for the moment)', async () => {
    const { w, watch } = await started();
    w.listing = tunnelTo('198.51.100.10', 1);
    await watch.passNow();
    w.answering = false;
    w.listing = tunnelTo('198.51.100.10', 2);
    await watch.passNow();
    expect(w.probes.length).toBeGreaterThan(3);
    expect(watch.current()).toMatchObject({ pathMtu: 1452, source: 'probed', tunnelMtu: 1389 });
  });

  it('keeps the last tunnel\'s figures while no tunnel is up', async () => {
    const { w, watch } = await started();
    w.listing = tunnelTo('198.51.100.10', 1);
    await watch.passNow();
    w.listing = [];
    await watch.passNow();
    expect(watch.current()).toMatchObject({ pathMtu: 1452, tunnelMtu: 1389 });
  });
});
