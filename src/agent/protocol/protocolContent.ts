// The installation protocol's content, decided from the facts the agent gathered: the practice
// and the installer from the practice data, the box, its VPN identity, its devices and the
// function test's last run. Pure, so the PDF and the JSON say the same and unit tests need no box.
// The protocol takes the last run rather than running the test again: it documents the run the
// installer saw and acted on, and a new run could answer differently from what was shown. It says
// so when that run is missing, old, or older than a change to the devices.
import type { FunctionTestResult } from '../check/result.ts';

/** A run older than this no longer shows the box as it is handed over. */
export const PROTOCOL_TEST_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface ProtocolPractice {
  readonly name: string;
  readonly street: string;
  readonly postalCode: string;
  readonly city: string;
  /** The operating-site number; empty where the practice has none. */
  readonly bsnr: string;
  readonly installerName: string;
  readonly installerCompany: string;
}

export interface ProtocolIdentity {
  readonly boxId: string;
  readonly subject: string;
  readonly fingerprint256: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

export interface ProtocolDevice {
  readonly kind: string;
  readonly name: string;
  readonly address: string;
  readonly mac: string;
  readonly cetpPorts: readonly number[];
  /** ISO time of its last change. */
  readonly changedAt: string;
}

export interface ProtocolFacts {
  readonly practice: ProtocolPractice;
  /** Absent on a box that was never provisioned. */
  readonly serial?: string;
  readonly firmwareVersion: string;
  /** Absent before a profile was imported. */
  readonly identity?: ProtocolIdentity;
  readonly tiSegment?: string;
  readonly devices: readonly ProtocolDevice[];
  readonly test?: FunctionTestResult;
  readonly now: Date;
}

/** Why the function test's run does not show the box as it is now. */
export type TestStaleness = 'none' | 'noRun' | 'old' | 'devicesChanged';

export interface ProtocolContent {
  /** Given by the store when kept. */
  readonly id: number;
  readonly createdAt: string;
  readonly practice: ProtocolPractice;
  readonly box: { readonly serial: string | null; readonly firmwareVersion: string };
  readonly identity: ProtocolIdentity | null;
  readonly tiSegment: string | null;
  readonly devices: readonly ProtocolDevice[];
  /** pass, warn or fail from the run; `none` without a run. */
  readonly verdict: FunctionTestResult['verdict'] | 'none';
  readonly staleness: TestStaleness;
  readonly test: FunctionTestResult | null;
}

export function protocolContent(facts: ProtocolFacts, id: number): ProtocolContent {
  const { test } = facts;
  return {
    id,
    createdAt: facts.now.toISOString(),
    practice: facts.practice,
    box: { serial: facts.serial ?? null, firmwareVersion: facts.firmwareVersion },
    identity: facts.identity ?? null,
    tiSegment: facts.tiSegment ?? null,
    devices: [...facts.devices].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)),
    verdict: test?.verdict ?? 'none',
    staleness: stalenessOf(test, facts.devices, facts.now),
    test: test ?? null,
  };
}

function stalenessOf(test: FunctionTestResult | undefined, devices: readonly ProtocolDevice[], now: Date): TestStaleness {
  if (!test) return 'noRun';
  const finished = Date.parse(test.finishedAt);
  if (devices.some((d) => Date.parse(d.changedAt) > finished)) return 'devicesChanged';
  return now.getTime() - finished > PROTOCOL_TEST_MAX_AGE_MS ? 'old' : 'none';
}

/** What `protocol.list` shows of a kept protocol. */
export interface ProtocolEntry {
  readonly id: number;
  readonly createdAt: string;
  readonly practice: string;
  readonly verdict: ProtocolContent['verdict'];
  readonly staleness: TestStaleness;
}

export function entryOf(content: ProtocolContent): ProtocolEntry {
  return { id: content.id, createdAt: content.createdAt, practice: content.practice.name, verdict: content.verdict, staleness: content.staleness };
}
