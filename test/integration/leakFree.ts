// Every test of a lab suite runs under a leak watch (test/lab/leakWatch.ts): the capture proves
// it can see a leak before the test starts, and after the test the router must have received no
// TI packet in clear. The firewall's cleartext counter is read after each test and printed with
// the test's output: how many TI packets the box's own guard stopped at its WAN port.
import { afterEach, beforeEach, expect } from 'vitest';
import type { Lab } from '../lab/lab.ts';
import { watchForLeaks, type LeakWatch } from '../lab/leakWatch.ts';

/** Registers the watch around each test of the enclosing suite. */
export function leakFreeEachTest(lab: () => Lab): void {
  let watch: LeakWatch | undefined;
  let count = 0;
  beforeEach(async () => {
    watch = await watchForLeaks(lab(), String(++count));
  });
  afterEach(async () => {
    const stopping = watch;
    watch = undefined;
    if (!stopping) return;
    const { leaks, cleartextDrops } = await stopping.stop();
    console.log(`leak watch: ${leaks.length} TI packets in clear at the router; the firewall's cleartext guard stopped ${cleartextDrops ?? 'none (fail-closed baseline, no counter)'} since its last load`);
    expect(leaks, 'TI packets that left the WAN port in clear').toEqual([]);
  });
}
