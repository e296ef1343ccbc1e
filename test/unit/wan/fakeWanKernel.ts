// A fake kernel for the WAN subsystem: it prints its state as sorted text, records writes as `ip`
// commands, and throws where the real kernel would (a device that is not there, a route via a
// gateway no address of the port reaches).
import { networkOf, parseInterfaceAddress, parseIpv4, prefixContains } from '../../../src/core/index.ts';
import { wanOpText, type WanAddress, type WanKernel, type WanKernelState, type WanOp, type WanRouteEntry } from '../../../src/wan/index.ts';

export class FakeWanKernel implements WanKernel {
  readonly writes: string[] = [];
  readonly links = new Map<string, { up: boolean; carrier: boolean }>();
  addresses: (WanAddress & { dev: string })[] = [];
  routes: (WanRouteEntry & { via: string; dev: string })[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(ports: readonly string[] = ['wan0']) {
    for (const port of ports) this.links.set(port, { up: true, carrier: true });
  }

  async read(port: string): Promise<WanKernelState> {
    const link = this.links.get(port);
    return structuredClone({
      ...(link ? { link } : {}),
      addresses: this.addresses.filter((a) => a.dev === port).map(({ address, validS }) => ({ address, ...(validS === undefined ? {} : { validS }) })),
      defaultRoutes: this.routes,
    });
  }

  async write(op: WanOp): Promise<void> {
    const line = wanOpText(op);
    const fail = (why: string): never => {
      throw new Error(`fake kernel refuses "${line}": ${why}`);
    };
    const link = this.links.get(op.dev) ?? fail(`no device ${op.dev}`);
    this.writes.push(line);
    switch (op.op) {
      case 'setUp':
        link.up = true;
        break;
      case 'putAddress':
        this.addresses = this.addresses.filter((a) => !(a.dev === op.dev && a.address === op.address));
        this.addresses.push({ dev: op.dev, address: op.address, ...(op.validS === undefined ? {} : { validS: op.validS }) });
        break;
      case 'deleteAddress':
        this.addresses = this.addresses.filter((a) => !(a.dev === op.dev && a.address === op.address));
        // As the kernel: routes via a gateway no address of the port reaches any more go with it.
        this.routes = this.routes.filter((r) => r.dev !== op.dev || this.reaches(op.dev, r.via));
        break;
      case 'putDefaultRoute':
        if (!this.reaches(op.dev, op.via)) fail('Nexthop has invalid gateway');
        this.routes = this.routes.filter((r) => r.metric);
        this.routes.push({ via: op.via, dev: op.dev, proto: op.proto });
        break;
      case 'deleteDefaultRoute':
        this.routes = this.routes.filter((r) => !(r.via === op.via && r.dev === op.dev));
        break;
    }
    for (const listener of this.listeners) listener();
  }

  watch(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  /** The state as sorted text: links, addresses, default routes. */
  text(): string {
    return [
      ...[...this.links].map(([name, l]) => `link ${name}${l.up ? ' up' : ''}${l.carrier ? ' carrier' : ''}`),
      ...this.addresses.map((a) => `addr ${a.dev} ${a.address}${a.validS === undefined ? '' : ` valid ${a.validS}`}`),
      ...this.routes.map((r) => `default via ${r.via} dev ${r.dev}${r.proto ? ` proto ${r.proto}` : ''}`),
    ].sort().join('\n');
  }

  private reaches(dev: string, via: string): boolean {
    const gateway = parseIpv4(via) ?? -1;
    return this.addresses.some((a) => {
      const parsed = a.dev === dev ? parseInterfaceAddress(a.address) : undefined;
      return parsed !== undefined && prefixContains(networkOf(parsed.address, parsed.length), gateway);
    });
  }
}
