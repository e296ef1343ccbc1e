// Network-namespace plumbing for the lab, through the one runner: namespaces, veth pairs,
// bridges, addresses, routes and sysctls. Every call names its namespace explicitly.
import type { Runner, RunOptions } from '../../src/core/runner.ts';

export class Netns {
  private readonly runner: Runner;

  constructor(runner: Runner) {
    this.runner = runner;
  }

  async add(ns: string): Promise<void> {
    await this.runner.run('ip', ['netns', 'add', ns]);
    await this.ip(ns, 'link', 'set', 'lo', 'up');
  }

  /** Kills what still runs inside, then removes the namespace. Safe on a missing one. */
  async remove(ns: string): Promise<void> {
    for (const pid of await this.pids(ns)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone in the meantime.
      }
    }
    await this.runner.run('ip', ['netns', 'del', ns]).catch(() => undefined);
  }

  async list(): Promise<string[]> {
    const { stdout } = await this.runner.run('ip', ['netns', 'list']);
    return stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean);
  }

  async pids(ns: string): Promise<number[]> {
    const result = await this.runner.run('ip', ['netns', 'pids', ns]).catch(() => ({ stdout: '' }));
    return result.stdout.split(/\s+/).filter(Boolean).map(Number);
  }

  ip(ns: string, ...args: string[]): Promise<{ stdout: string }> {
    return this.runner.run('ip', ['-n', ns, ...args]);
  }

  exec(ns: string, command: string, args: readonly string[], options: RunOptions = {}) {
    return this.runner.run(command, args, { ...options, netns: ns });
  }

  async sysctl(ns: string, key: string, value: string): Promise<void> {
    await this.exec(ns, 'sysctl', ['-q', '-w', `${key}=${value}`]);
  }

  /** A veth pair from nsA (nameA) to nsB (nameB), both up. */
  async veth(nsA: string, nameA: string, nsB: string, nameB: string): Promise<void> {
    await this.ip(nsA, 'link', 'add', nameA, 'type', 'veth', 'peer', 'name', nameB, 'netns', nsB);
    await this.ip(nsA, 'link', 'set', nameA, 'up');
    await this.ip(nsB, 'link', 'set', nameB, 'up');
  }

  async bridge(ns: string, name: string, ports: readonly string[]): Promise<void> {
    await this.ip(ns, 'link', 'add', name, 'type', 'bridge');
    for (const port of ports) await this.ip(ns, 'link', 'set', port, 'master', name);
    await this.ip(ns, 'link', 'set', name, 'up');
  }

  async address(ns: string, dev: string, cidr: string): Promise<void> {
    await this.ip(ns, 'addr', 'add', cidr, 'dev', dev);
  }

  async route(ns: string, ...spec: string[]): Promise<void> {
    await this.ip(ns, 'route', 'replace', ...spec);
  }

  /** Routers in the lab forward IPv4 and never IPv6, like the box itself. */
  async enableForwarding(ns: string): Promise<void> {
    await this.sysctl(ns, 'net.ipv4.ip_forward', '1');
  }
}
