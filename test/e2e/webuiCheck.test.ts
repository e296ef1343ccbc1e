// The function test in the web UI, in real headless Chromium on the practice LAN, against the
// agent and the web UI in the lab's box namespace: on a set-up box (its profile imported, the PVS
// host's TI traffic seen) the installer opens the page from the navigation and presses the button;
// the page says the test runs and then, without anyone reloading it, shows every check passed,
// each verdict as a sign and a word. With the connector down the same button shows the connector
// failed with its fix in words.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wordsOf } from '../../src/agent/check/texts.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { ControlClient } from '../../src/control/client.ts';
import { messagesFor } from '../../src/webui/i18n/index.ts';
import { waitFor } from '../integration/waitFor.ts';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { complaintsOf, launchOnPracticeLan, newVisitor } from './browser.ts';
import { CheckPageView, login } from './pages.ts';

const m = messagesFor('de');
const NEW_PASSWORD = 'Der Kaktus am Empfang blüht 2026 wieder!';
const CHECK_IDS = ['wan', 'wanDns', 'time', 'passthrough', 'mtu', 'tunnel', 'connector', 'tiDns', 'terminals', 'pvsHosts', 'addressPlan'];

describe('the function test in the web UI, in headless Chromium', () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let url: string;
  let complaints: string[];

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent', internetDns: true });
    const { socketPath } = await lab.startAgent();
    await lab.importProfile({ file: await lab.issueProfileVariant('srv', { gateways: { srv: PLAN.internetDns.srv } }) });
    // The PVS host's first TI traffic: the box then sees it at its TI address.
    await waitFor(async () => {
      const { stdout } = await lab.exec(lab.names.pvs, 'curl', ['-sS', '-m', '2', '--cacert', lab.describe().pki.ca, lab.describe().urls.connectorSds], 4_000);
      expect(stdout).toContain('<ConnectorServices');
    }, 30_000, 250);
    // The box is set up once the test passes through the control API: the tunnel has settled.
    const control = new ControlClient<AgentStatus>(socketPath, { timeoutMs: 40_000 });
    await waitFor(async () => expect((await control.action('check.run', {})) as { verdict: string }).toMatchObject({ verdict: 'pass' }), 60_000, 1_000);
    ({ url } = await lab.startWebui());
    browser = await launchOnPracticeLan(lab);
    page = await (await newVisitor(browser)).newPage();
    complaints = complaintsOf(page);
    await login(page, url, PLAN.provisioning.initialPassword, NEW_PASSWORD);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await lab?.destroy();
  });

  it('runs from the button, says it runs, then shows every check passed in words and signs', async () => {
    const check = new CheckPageView(page, url);
    await check.open();
    // The test run through the control API before is shown until the button's run is done.
    const before = await check.shownWhen();
    expect(before).not.toBe('');
    await check.run();
    expect(await check.running().isVisible()).toBe(true);
    // The page loads itself again until the new result is there.
    await check.resultAfter(before, 45_000);
    expect(await check.verdict().innerText()).toBe(`✔ ${m.check.overall.pass}`);
    const rows = await check.rows();
    expect(rows.map((r) => r.id)).toEqual(CHECK_IDS);
    expect(rows.map((r) => r.verdict)).toEqual(CHECK_IDS.map(() => `✔ ${m.check.verdicts.pass}`));
    expect(rows.map((r) => r.fix)).toEqual(CHECK_IDS.map(() => ''));
    expect(complaints).toEqual([]);
  }, 90_000);

  it('shows the connector failed, with its fix, when the connector is down', async () => {
    await lab.standIn('connector', false);
    try {
      const check = new CheckPageView(page, url);
      await check.open();
      // After the run before it: the button is back once no run is under way.
      await check.resultAfter('', 45_000);
      const before = await check.shownWhen();
      await check.run();
      await check.resultAfter(before, 45_000);
      expect(await check.verdict().innerText()).toBe(`✘ ${m.check.overall.fail}`);
      const connector = (await check.rows()).find((r) => r.id === 'connector');
      expect(connector).toEqual({ id: 'connector', verdict: `✘ ${m.check.verdicts.fail}`, fix: wordsOf('connector.unreachable', { connector: PLAN.ti.connector, error: 'ECONNREFUSED' }).de });
    } finally {
      await lab.standIn('connector', true);
    }
    expect(complaints).toEqual([]);
  }, 90_000);
});
