import { describe, expect, it } from 'vitest';
import { AGENT_CAPABILITIES, ENABLED_UNITS, MASKED_UNITS, renderUnits } from '../../../image/units.ts';

type Section = Record<string, string[]>;
interface Parsed { text: string; Unit?: Section; Service?: Section; Install?: Section }

/** A unit file as section → key → values (a key may repeat). */
function parse(text: string): Parsed {
  const sections: Record<string, Section> = {};
  let current: Record<string, string[]> | undefined;
  for (const line of text.split('\n')) {
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) current = sections[header[1]!] = {};
    else if (/^\w+=/.test(line) && current) {
      const [key, ...rest] = line.split('=');
      (current[key!] ??= []).push(rest.join('='));
    }
  }
  return { text, ...sections };
}

const units: Record<string, Parsed> = Object.fromEntries(renderUnits().map((u) => [u.path.replace('/usr/lib/systemd/system/', ''), parse(u.text)]));
const words = (values: string[] | undefined) => (values ?? []).flatMap((v) => v.split(' '));

describe("the image's systemd units", () => {
  it('restore the fail-closed state before the network and before sysinit, without the default dependencies that would order them later', () => {
    const boot = units['tibox-boot.service']!;
    expect(boot.Unit?.DefaultDependencies).toEqual(['no']);
    expect(words(boot.Unit?.Before)).toEqual(expect.arrayContaining(['network-pre.target', 'sysinit.target']));
    expect(words(boot.Unit?.Wants)).toContain('network-pre.target');
    expect(boot.Unit?.RequiresMountsFor).toEqual(['/var/lib/tibox']);
    expect(boot.Service?.ExecStart).toEqual(['/usr/lib/tibox/bin/tibox boot --state-dir /var/lib/tibox/state --run-dir /run/tibox']);
    // Forwarding only after the ruleset.
    expect(boot.Service?.ExecStartPost).toEqual(['/usr/sbin/sysctl -q -w net.ipv4.ip_forward=1']);
    expect(boot.Install?.WantedBy).toEqual(['sysinit.target']);
  });

  it('start nothing networked without the boot unit, and keep every component running by itself', () => {
    for (const name of ['tibox-agent.service', 'tibox-dnsmasq.service', 'tibox-practice-dhcp.service', 'tibox-wan-dhcp.service', 'strongswan.service.d/tibox.conf', 'chrony.service.d/tibox.conf']) {
      expect(words(units[name]?.Unit?.Requires), name).toContain('tibox-boot.service');
      expect(words(units[name]?.Unit?.After), name).toContain('tibox-boot.service');
      expect(units[name]?.Service?.Restart, name).toEqual(['always']);
      expect(units[name]?.Unit?.StartLimitIntervalSec, name).toEqual(['0']);
    }
  });

  it('run the agent as a notify service with the watchdog, on a read-only system, with only the capabilities it names', () => {
    const agent = units['tibox-agent.service']!;
    expect(agent.Service).toMatchObject({ Type: ['notify'], NotifyAccess: ['all'], WatchdogSec: ['60'], ProtectSystem: ['strict'], NoNewPrivileges: ['yes'] });
    expect(agent.Service?.ExecStart).toEqual(['/usr/lib/tibox/bin/tibox-agent']);
    expect(words(agent.Service?.CapabilityBoundingSet).sort()).toEqual(Object.keys(AGENT_CAPABILITIES).sort());
    expect(words(agent.Service?.ReadWritePaths)).toEqual(['/var/lib/tibox', '/run/tibox']);
    // Each capability is named in the file with its reason.
    for (const [cap, why] of Object.entries(AGENT_CAPABILITIES)) expect(agent.text).toContain(`${cap} (${why})`);
    expect(Object.keys(AGENT_CAPABILITIES)).not.toContain('CAP_SYS_ADMIN');
  });

  it('run the web UI as its own user with nothing but the right to bind ports 80 and 443', () => {
    const webui = units['tibox-webui.service']!;
    expect(webui.Service).toMatchObject({
      User: ['tibox-web'], Group: ['tibox-web'], ExecStart: ['/usr/lib/tibox/bin/tibox webui'],
      AmbientCapabilities: ['CAP_NET_BIND_SERVICE'], CapabilityBoundingSet: ['CAP_NET_BIND_SERVICE'], NoNewPrivileges: ['yes'], ProtectSystem: ['strict'],
    });
    expect(webui.Service?.ReadWritePaths).toEqual(['/var/lib/tibox-web']);
  });

  it("start the components with the lab's command lines, from the installation", () => {
    expect(units['tibox-dnsmasq.service']?.Service?.ExecStart).toEqual(['/usr/sbin/dnsmasq --keep-in-foreground --conf-file=/run/tibox/dnsmasq/dnsmasq.conf']);
    expect(units['tibox-practice-dhcp.service']?.Service?.ExecStart).toEqual(['/usr/lib/tibox/bin/tibox-practice-dhcp /var/lib/tibox/hooks']);
    expect(units['tibox-wan-dhcp.service']?.Service?.ExecStart).toEqual(['/usr/lib/tibox/bin/tibox-wan-dhcp /var/lib/tibox/wan-dhcp']);
  });

  it('mark the slot good only once the agent is ready, and not after an update, which the health commit judges', () => {
    const good = units['tibox-slot-good.service']!;
    expect(words(good.Unit?.After)).toContain('tibox-agent.service');
    expect(good.Unit?.ConditionPathExists).toEqual(['!/var/lib/tibox/pending-boot.json']);
    expect(good.Service?.ExecStart).toEqual(['/usr/bin/rauc status mark-good booted']);
  });

  it('enable every tibox unit and mask every login', () => {
    for (const name of Object.keys(units).filter((n) => n.endsWith('.service'))) expect(ENABLED_UNITS).toContain(name);
    expect(MASKED_UNITS).toEqual(expect.arrayContaining(['getty@.service', 'serial-getty@.service', 'console-getty.service']));
    for (const name of ENABLED_UNITS) expect(MASKED_UNITS).not.toContain(name);
  });
});
