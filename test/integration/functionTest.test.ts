// The function test in the lab, as the installer runs it with `tibox check`: on a correctly set-up
// box, whose profile names its gateways by an SRV record that the internet's resolver answers,
// every check passes; then each fault is made real in turn and gives its verdict and fix: the WAN
// cable pulled, the WAN's name server down, UDP 4500 dropped by the practice router, the TI DNS
// down, the connector down, a PVS host that never appears, and a practice LAN inside a TI prefix.
// One lab serves all: each fault is undone and the whole test passes again before the next.
// The installation protocol is made from a passing run and from the failing one, listed, and
// written as a PDF through the CLI, whose text pdftotext reads back.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, FunctionTestResult } from '../../src/agent/check/result.ts';
import type { ProtocolContent, ProtocolEntry } from '../../src/agent/protocol/protocolContent.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { ControlClient } from '../../src/control/client.ts';
import { processRunner } from '../../src/core/runner.ts';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { waitFor } from './waitFor.ts';

const tibox = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bin', 'tibox');
const ALL_PASS = {
  wan: 'pass', wanDns: 'pass', time: 'pass', passthrough: 'pass', mtu: 'pass', tunnel: 'pass', connector: 'pass', tiDns: 'pass', terminals: 'pass', pvsHosts: 'pass', addressPlan: 'pass',
};
/** A PVS host registered with an address and MAC that no host of the lab has. */
const ABSENT_PVS = { kind: 'pvs', name: 'PVS back office', address: '10.77.12.11', mac: '02:00:5e:10:00:11' };
/** An address of the practice LAN inside the TI prefix 100.64.0.0/10, as a practice router numbering its LAN there would give the box. */
const COLLIDING_LAN = '100.64.20.2/24';

describe('the function test', () => {
  let lab: Lab;
  let socketPath: string;
  let control: ControlClient<AgentStatus>;
  let files: string;

  beforeAll(async () => {
    files = await mkdtemp(join(tmpdir(), 'tibox-protocol-'));
    lab = await Lab.create({ boxCharon: 'agent', internetDns: true });
    ({ socketPath } = await lab.startAgent());
    control = new ControlClient<AgentStatus>(socketPath, { timeoutMs: 40_000 });
    await lab.importProfile({ file: await lab.issueProfileVariant('srv', { gateways: { srv: PLAN.internetDns.srv } }) });
    // The PVS host's first TI traffic: the box then sees it at its TI address.
    await waitFor(async () => {
      const { stdout } = await lab.exec(lab.names.pvs, 'curl', ['-sS', '-m', '2', '--cacert', lab.describe().pki.ca, lab.describe().urls.connectorSds], 4_000);
      expect(stdout).toContain('<ConnectorServices');
    }, 30_000, 250);
  });
  afterAll(async () => {
    await lab?.destroy();
    await rm(files, { recursive: true, force: true });
  });

  const cli = (args: string[]) => processRunner.run(tibox, ['--socket', socketPath, 'check', ...args], { okCodes: [3], timeoutMs: 40_000 });
  const check = async () => (await control.action('check.run', {})) as FunctionTestResult;
  const verdicts = (result: FunctionTestResult) => Object.fromEntries(result.checks.map((c) => [c.id, c.verdict]));
  const one = (result: FunctionTestResult, id: CheckResult['id']) => result.checks.find((c) => c.id === id) as CheckResult;
  const protocolCli = (args: string[]) => processRunner.run(tibox, ['--socket', socketPath, 'protocol', ...args], { okCodes: [3], timeoutMs: 40_000 });
  /** `tibox protocol ARGS > file.pdf`, as an installer saves it, and the PDF's pages as text. */
  const protocolPages = async (args: string[]): Promise<string[]> => {
    const file = join(files, `protocol-${args.join('')}.pdf`);
    await processRunner.run('sh', ['-c', 'out=$1; shift; exec "$@" > "$out"', 'sh', file, tibox, '--socket', socketPath, 'protocol', ...args]);
    return (await processRunner.run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'])).stdout.split('\f');
  };
  /** The whole test passes again: the fault before is undone and the box has recovered. */
  const passesAgain = () => waitFor(async () => expect(verdicts(await check())).toEqual(ALL_PASS), 60_000, 1_000);
  /** Makes a fault real, looks at the test with it, undoes it whatever was seen, and waits until the test passes again. */
  const withFault = async (make: () => Promise<unknown>, undo: () => Promise<unknown>, seen: () => Promise<void>) => {
    await make();
    try {
      await seen();
    } finally {
      await undo();
    }
    await passesAgain();
  };

  it('passes on a correctly set-up box, prints each check and exits 0, and keeps the result', async () => {
    await passesAgain();
    const { code, stdout } = await cli([]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^Verdict +Check +Value$/);
    // Each gateway, in address order, on both ports.
    expect(lines).toContainEqual(
      expect.stringMatching(/^PASS +4 VPN passthrough \(IKE, UDP 500\/4500\) +192\.0\.2\.10 UDP 500 answered NO_PROPOSAL_CHOSEN in \d+ ms, UDP 4500 answered NO_PROPOSAL_CHOSEN in \d+ ms; 198\.51\.100\.10 UDP 500 answered NO_PROPOSAL_CHOSEN in \d+ ms, UDP 4500 answered NO_PROPOSAL_CHOSEN in \d+ ms$/),
    );
    // The tunnel runs through gw1, the SRV record's first, or on a loaded machine already through gw2.
    const tunnel = /^PASS +7 Tunnel +up via (\S+) since .*; standby (\S+) answers IKE$/.exec(lines.find((line) => /^\w+ +7 /.test(line)) ?? '');
    expect([tunnel?.[1], tunnel?.[2]].sort()).toEqual([PLAN.gw2.public, PLAN.gw1.public].sort());
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^PASS +6 Packet size \\(MTU\\) +path MTU \\d+ \\(probed towards ${(tunnel?.[1] ?? '').replaceAll('.', '\\.')}\\), tunnel MTU \\d+, TCP MSS \\d+$`)));
    const srvAnswer = `${PLAN.internetDns.srv} -> ${PLAN.gw1.id} ${PLAN.gw2.id}; ${PLAN.gw1.id} ${PLAN.gw1.public}; ${PLAN.gw2.id} ${PLAN.gw2.public}`;
    expect(lines.find((line) => /^\w+ +2 /.test(line))).toMatch(new RegExp(`^PASS +2 DNS on the WAN +${srvAnswer.replaceAll('.', '\\.')}$`));
    expect(lines).toContainEqual(expect.stringMatching(/^PASS +8 Connector +100\.64\.10\.10: TLSv1\.3, connector\.sds of tibox lab connector stand-in, 0 services$/));
    expect(stdout).toContain(`    For the practice's DNS server: forward queries for telematik, telematik-test to ${PLAN.tiSegment.lanGateway} (conditional forwarding).`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^PASS +10 Card terminals +Terminal reception ${PLAN.tiSegment.terminal.replaceAll('.', '\\.')}: TCP 4742 answers, (lease taken by [0-9a-f:]{17}|[0-9a-f:]{17} not seen yet), announces "${PLAN.terminal.name}" \\(SICCT discovery 1\\.30, port 4742, TLS 1\\.2\\)$`)));
    // The terminal's service description has no firmware: the installer reads it on the display.
    expect(stdout).toContain('    Card terminals do not state their model and firmware in their SICCT service description');
    expect(lines).toContainEqual(expect.stringMatching(/^PASS +11 PVS hosts +PVS reception 10\.77\.12\.10 [0-9a-f:]{17} seen$/));
    expect(lines.at(-2)).toMatch(/^Function test: PASS \(.+, local-cli\)$/);

    const last = JSON.parse((await cli(['--last', '--json'])).stdout) as FunctionTestResult;
    expect(verdicts(last)).toEqual(ALL_PASS);
    // The issue's bound for a good line: the checks run side by side.
    expect(Date.parse(last.finishedAt) - Date.parse(last.startedAt)).toBeLessThan(30_000);
    const audit = (await control.action('audit.list', { limit: 5 })) as { actor: string; action: string }[];
    expect(audit[0]).toMatchObject({ actor: 'local-cli', action: 'check.run' });
  });

  it('makes the installation protocol from that run, lists it and writes it as a PDF in German and English', async () => {
    await control.action('config.commit', {
      change: { practice: { name: 'Praxis Dr. Muster', street: 'Hauptstraße 12a', postalCode: '01067', city: 'Dresden', bsnr: '021234500', installerName: 'Jörg Schäfer', installerCompany: 'Praxis-IT Süd GmbH' } },
    });
    const made = await protocolCli(['make']);
    expect(made.code).toBe(0);
    const id = /^Installation protocol (\d+) made: function test pass\. /.exec(made.stdout)?.[1];
    expect(id).toBeDefined();
    const listed = (await control.action('protocol.list', {})) as ProtocolEntry[];
    expect(listed[0]).toMatchObject({ id: Number(id), practice: 'Praxis Dr. Muster', verdict: 'pass', staleness: 'none' });
    expect((await protocolCli(['list'])).stdout).toMatch(new RegExp(`^${id} +\\S+ +Praxis Dr\\. Muster +pass$`, 'm'));

    const content = JSON.parse((await protocolCli(['--id', String(id), '--json'])).stdout) as ProtocolContent;
    expect(content).toMatchObject({ box: { serial: PLAN.provisioning.serial }, tiSegment: PLAN.tiSegment.prefix, verdict: 'pass' });
    expect(content.devices.map((d) => d.name)).toContain('PVS reception');
    expect(content.test?.checks).toHaveLength(Object.keys(ALL_PASS).length);

    const de = (await protocolPages([])).join('\n');
    for (const expected of ['Installationsprotokoll', 'Funktionstest bestanden', 'Praxis Dr. Muster', 'Hauptstraße 12a, 01067 Dresden', '021234500', 'Jörg Schäfer', PLAN.provisioning.serial, PLAN.tiSegment.prefix, 'PVS reception', 'Konnektor', 'Unterschrift – Praxis']) {
      expect(de).toContain(expected);
    }
    const en = (await protocolPages(['--lang', 'en'])).join('\n');
    expect(en).toContain('Installation protocol');
    expect(en).toContain('Function test passed');
    const audit = (await control.action('audit.list', { limit: 5 })) as { actor: string; action: string }[];
    expect(audit).toContainEqual(expect.objectContaining({ actor: 'local-cli', action: 'protocol.make' }));
  });

  it('fails the WAN with the cable fix when the WAN cable is pulled, and exits 3', async () => {
    await withFault(
      () => lab.cutWan('carrier', true),
      () => lab.cutWan('carrier', false),
      async () => {
        await waitFor(async () => expect(one(await check(), 'wan')).toMatchObject({ verdict: 'fail', fixKey: 'wan.noCarrier' }), 15_000, 500);
        const { code, stdout } = await cli([]);
        expect(code).toBe(3);
        expect(stdout).toContain('    -> The WAN port wan0 has no link. Please plug in the cable to the internet router');
        expect(stdout).toMatch(/Function test: FAIL/);
      },
    );
  });

  it("fails DNS on the WAN when the WAN's name server is down, within the checks' limits", async () => {
    await withFault(
      () => lab.standIn('internet-dns', false),
      () => lab.standIn('internet-dns', true),
      async () => {
        const result = await check();
        expect(one(result, 'wanDns')).toMatchObject({
          verdict: 'fail',
          fixKey: 'wanDns.srvFailed',
          fix: { en: expect.stringMatching(new RegExp(`^The gateways' SRV record ${PLAN.internetDns.srv.replaceAll('.', '\\.')} does not resolve \\((ECONNREFUSED|ETIMEOUT|ECANCELLED)\\)`)) },
        });
        expect(one(result, 'passthrough')).toMatchObject({ verdict: 'fail', fixKey: 'passthrough.noGateway' });
        // The tunnel charon holds stays up; which gateway could take over is not known now.
        expect(one(result, 'tunnel')).toMatchObject({ verdict: 'warn', fixKey: 'passthrough.noGateway' });
      },
    );
  });

  it('names the practice router that drops UDP 4500, with the passthrough fix', async () => {
    await withFault(
      () => lab.dropIkePort(4500, true),
      () => lab.dropIkePort(4500, false),
      async () => {
        const result = await check();
        expect(one(result, 'passthrough')).toMatchObject({
          verdict: 'fail',
          fixKey: 'passthrough.blocked',
          value: expect.stringMatching(/^192\.0\.2\.10 UDP 500 answered NO_PROPOSAL_CHOSEN in \d+ ms, UDP 4500 no answer; 198\.51\.100\.10 UDP 500 answered NO_PROPOSAL_CHOSEN in \d+ ms, UDP 4500 no answer$/),
          fix: { en: expect.stringMatching(/^The practice router does not pass UDP 4500\. Please enable VPN passthrough/), de: expect.stringContaining('lässt UDP 4500 nicht durch') },
        });
        expect(result.verdict).toBe('fail');
        // Still made, and its first page says what failed.
        const made = await protocolCli(['make']);
        expect(made.code).toBe(3);
        expect(made.stdout).toMatch(/^Installation protocol \d+ made: function test fail\. /);
        const [first] = await protocolPages([]);
        expect(first).toContain('FUNKTIONSTEST NICHT BESTANDEN');
        expect(first).toMatch(/Fehlgeschlagen: .*4 VPN-Passthrough/);
      },
    );
  });

  it('fails TI DNS when the TI DNS is down, with the forwarding rule still printed', async () => {
    await withFault(
      () => lab.standIn('ti-dns', false),
      () => lab.standIn('ti-dns', true),
      async () => {
        const tiDns = one(await check(), 'tiDns');
        expect(tiDns).toMatchObject({ verdict: 'fail', fixKey: 'tiDns.tunnel', fix: { en: expect.stringContaining(`The TI DNS server ${PLAN.ti.dns} does not answer through the tunnel`) } });
        expect(tiDns.note?.en).toContain('forward queries for telematik, telematik-test');
      },
    );
  });

  it('fails the connector when it is down', async () => {
    await withFault(
      () => lab.standIn('connector', false),
      () => lab.standIn('connector', true),
      async () => {
        expect(one(await check(), 'connector')).toMatchObject({
          verdict: 'fail',
          fixKey: 'connector.unreachable',
          value: `${PLAN.ti.connector}: no connection (ECONNREFUSED)`,
          fix: { en: expect.stringContaining(`The connector ${PLAN.ti.connector} does not answer through the tunnel (ECONNREFUSED)`) },
        });
      },
    );
  });

  it('fails the card terminal with the cable fix when it is unplugged', async () => {
    await lab.unplugTerminal(true);
    try {
      const result = await check();
      expect(one(result, 'terminals')).toMatchObject({
        verdict: 'fail',
        fixKey: 'terminal.unreachable',
        fix: { en: expect.stringContaining(`Card terminal does not answer on TCP 4742: Terminal reception ${PLAN.tiSegment.terminal}. Please check that it is switched on, plugged into`) },
      });
      expect(result.verdict).toBe('fail');
    } finally {
      await lab.unplugTerminal(false);
    }
    await passesAgain();
  });

  it('warns of a PVS host that never appears, and passes the test with a warning', async () => {
    await withFault(
      () => control.action('devices.register', ABSENT_PVS),
      () => control.action('devices.remove', { device: ABSENT_PVS.name }),
      async () => {
        const result = await check();
        expect(one(result, 'pvsHosts')).toMatchObject({
          verdict: 'warn',
          fixKey: 'pvs.notSeen',
          fix: { en: 'Not seen yet: PVS back office 10.77.12.11. Please run the setup commands on these hosts, then test again.' },
        });
        expect(result.verdict).toBe('warn');
        expect((await cli([])).code).toBe(0);
      },
    );
  });

  it('fails the address plan for a practice LAN inside a TI prefix', async () => {
    await withFault(
      () => lab.exec(lab.names.box, 'ip', ['addr', 'add', COLLIDING_LAN, 'dev', 'lan0']),
      () => lab.exec(lab.names.box, 'ip', ['addr', 'del', COLLIDING_LAN, 'dev', 'lan0']),
      async () => {
        expect(one(await check(), 'addressPlan')).toMatchObject({
          verdict: 'fail',
          fixKey: 'plan.collision',
          value: expect.stringContaining('100.64.20.0/24'),
          fix: { en: expect.stringMatching(/^Address ranges collide: .*100\.64\.20\.0\/24.*renumber the practice network/) },
        });
      },
    );
  });
});
