// A fake kernel for the LAN subsystem, tailscale style: it prints its state as sorted text,
// counts writes, and throws on a write the real kernel would refuse (an address or bridge that
// exists, deleting what is absent, a device that is not there).
import type { LanKernel, Neighbour } from '../../../src/lan/lanKernel.ts';
import { linkOpText, type KernelAddress, type KernelLink, type LinkOp, type LinksState } from '../../../src/lan/linksModel.ts';
import type { MainRoute } from '../../../src/lan/planCheck.ts';

export class FakeLanKernel implements LanKernel {
  readonly writes: string[] = [];
  links = new Map<string, { kind?: string; master?: string; up: boolean; mac?: string }>();
  addresses: KernelAddress[] = [];
  mainRoutes: MainRoute[] = [];
  neighbourTable: Neighbour[] = [];
  private listeners = new Set<() => void>();

  /** Links by name (`lan0`, `veth:term0` for a kind), all down; addresses as `dev a.b.c.d/len [dynamic]`. */
  constructor(links: readonly string[] = ['lo', 'lan0', 'wan0', 'term0', 'term1'], addresses: readonly string[] = []) {
    for (const spec of links) {
      const [kind, name] = spec.includes(':') ? spec.split(':') : [undefined, spec];
      this.links.set(name ?? '', { ...(kind ? { kind } : {}), up: false });
    }
    for (const spec of addresses) {
      const [dev = '', address = '', dynamic] = spec.split(' ');
      this.addresses.push({ dev, address, dynamic: dynamic === 'dynamic' });
    }
  }

  async read(): Promise<LinksState> {
    const links: KernelLink[] = [...this.links].map(([name, l]) => ({ name, ...l }));
    return structuredClone({ links, addresses: this.addresses });
  }

  async write(op: LinkOp): Promise<void> {
    const fail = (why: string): never => {
      throw new Error(`fake kernel refuses "${linkOpText(op)}": ${why}`);
    };
    const link = (name: string) => this.links.get(name) ?? fail(`no device ${name}`);
    switch (op.op) {
      case 'createBridge':
        if (this.links.has(op.name)) fail('exists');
        this.links.set(op.name, { kind: 'bridge', up: false });
        break;
      case 'deleteBridge':
        if (link(op.name).kind !== 'bridge') fail('not a bridge');
        this.removeLink(op.name, false);
        break;
      case 'setMaster': {
        const port = link(op.port);
        if (op.master === null) delete port.master;
        else {
          link(op.master);
          port.master = op.master;
        }
        break;
      }
      case 'setUp':
        link(op.name).up = true;
        break;
      case 'addAddress':
        link(op.dev);
        if (this.has(op.dev, op.address)) fail('exists');
        this.addresses.push({ dev: op.dev, address: op.address, dynamic: false });
        break;
      case 'deleteAddress':
        if (!this.has(op.dev, op.address)) fail('no such address');
        this.addresses = this.addresses.filter((a) => a.dev !== op.dev || a.address !== op.address);
        break;
    }
    this.writes.push(linkOpText(op));
    this.notify();
  }

  async routes(): Promise<MainRoute[]> {
    return structuredClone(this.mainRoutes);
  }

  async neighbours(): Promise<Neighbour[]> {
    return structuredClone(this.neighbourTable);
  }

  watch(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  get watchers(): number {
    return this.listeners.size;
  }

  /** The state as sorted lines, the way tests compare it (loopback left out). */
  text(): string {
    const links = [...this.links]
      .filter(([name]) => name !== 'lo')
      .map(([name, l]) => ['link', name, l.kind, l.master ? `master ${l.master}` : undefined, l.up ? 'up' : 'down'].filter(Boolean).join(' '));
    const addresses = this.addresses.map((a) => `addr ${a.dev} ${a.address}${a.dynamic ? ' dynamic' : ''}`);
    return [...links, ...addresses].sort().join('\n');
  }

  /** Someone else adds an address (`ip addr add`, a DHCP client with a lifetime). */
  addAddress(dev: string, address: string, dynamic = false): void {
    this.addresses.push({ dev, address, dynamic });
    this.notify();
  }

  /** Someone else deletes an address. */
  deleteAddress(dev: string, address: string): void {
    if (!this.has(dev, address)) throw new Error(`no address ${address} on ${dev}`);
    this.addresses = this.addresses.filter((a) => a.dev !== dev || a.address !== address);
    this.notify();
  }

  /** A link vanishes and takes its addresses with it; its ports are released. */
  removeLink(name: string, notify = true): void {
    this.links.delete(name);
    this.addresses = this.addresses.filter((a) => a.dev !== name);
    for (const l of this.links.values()) if (l.master === name) delete l.master;
    if (notify) this.notify();
  }

  addLink(name: string, kind?: string): void {
    this.links.set(name, { ...(kind ? { kind } : {}), up: false });
    this.notify();
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }

  private has(dev: string, address: string): boolean {
    return this.addresses.some((a) => a.dev === dev && a.address === address);
  }
}
