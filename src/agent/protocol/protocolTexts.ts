// The installation protocol's words, German and English. The checks' titles and fixes come from
// the function test's own catalogue, kept in the run in both languages.
import type { Verdict } from '../check/result.ts';
import type { ProtocolContent, TestStaleness } from './protocolContent.ts';

export type ProtocolLanguage = 'de' | 'en';

export const PROTOCOL_LANGUAGES: readonly ProtocolLanguage[] = ['de', 'en'];

interface Labels {
  readonly title: string;
  readonly number: string;
  readonly created: string;
  readonly practice: string;
  readonly name: string;
  readonly address: string;
  readonly bsnr: string;
  readonly installer: string;
  readonly company: string;
  readonly box: string;
  readonly serial: string;
  readonly firmware: string;
  readonly identity: string;
  readonly boxId: string;
  readonly subject: string;
  readonly fingerprint: string;
  readonly validity: string;
  readonly tiSegment: string;
  readonly devices: string;
  readonly noDevices: string;
  readonly kind: Readonly<Record<string, string>>;
  readonly deviceName: string;
  readonly tiAddress: string;
  readonly mac: string;
  readonly cetpPorts: string;
  readonly checks: string;
  readonly testRun: string;
  readonly check: string;
  readonly value: string;
  readonly result: string;
  readonly verdicts: Readonly<Record<Verdict, string>>;
  readonly summary: Readonly<Record<ProtocolContent['verdict'], string>>;
  readonly staleness: Readonly<Record<Exclude<TestStaleness, 'none'>, string>>;
  readonly failedChecks: string;
  readonly signatures: string;
  readonly signInstaller: string;
  readonly signPractice: string;
  readonly placeDate: string;
  readonly signature: string;
  readonly none: string;
  readonly page: string;
}

export const PROTOCOL_LABELS: Readonly<Record<ProtocolLanguage, Labels>> = {
  de: {
    title: 'Installationsprotokoll',
    number: 'Protokoll Nr.',
    created: 'Erstellt',
    practice: 'Praxis',
    name: 'Name',
    address: 'Anschrift',
    bsnr: 'Betriebsstättennummer (BSNR)',
    installer: 'Installiert von',
    company: 'Firma',
    box: 'TI-Box',
    serial: 'Seriennummer',
    firmware: 'Firmware-Version',
    identity: 'VPN-Identität',
    boxId: 'Box-Kennung',
    subject: 'Zertifikat (Inhaber)',
    fingerprint: 'Fingerabdruck (SHA-256)',
    validity: 'Gültig',
    tiSegment: 'TI-Segment',
    devices: 'Registrierte Geräte',
    noDevices: 'Keine Geräte registriert.',
    kind: { pvs: 'PVS-Rechner', terminal: 'Kartenterminal' },
    deviceName: 'Name',
    tiAddress: 'TI-Adresse',
    mac: 'MAC-Adresse',
    cetpPorts: 'CETP-Ports',
    checks: 'Funktionstest',
    testRun: 'Durchgeführt',
    check: 'Prüfung',
    value: 'Messwert',
    result: 'Ergebnis',
    verdicts: { pass: 'bestanden', warn: 'Hinweis', fail: 'FEHLER', skipped: 'entfällt' },
    summary: {
      pass: 'Funktionstest bestanden: alle Prüfungen ohne Befund.',
      warn: 'Funktionstest bestanden, mit Hinweisen.',
      fail: 'FUNKTIONSTEST NICHT BESTANDEN: mindestens eine Prüfung ist fehlgeschlagen.',
      none: 'Kein Funktionstest durchgeführt.',
    },
    staleness: {
      noRun: 'Vor diesem Protokoll wurde kein Funktionstest durchgeführt.',
      old: 'Der Funktionstest ist älter als 24 Stunden und zeigt die Box womöglich nicht, wie sie übergeben wird.',
      devicesChanged: 'Die Geräte wurden nach dem Funktionstest geändert; der Test zeigt sie nicht, wie sie jetzt sind.',
    },
    failedChecks: 'Fehlgeschlagen',
    signatures: 'Unterschriften',
    signInstaller: 'Installateur',
    signPractice: 'Praxis',
    placeDate: 'Ort, Datum',
    signature: 'Unterschrift',
    none: '–',
    page: 'Seite',
  },
  en: {
    title: 'Installation protocol',
    number: 'Protocol no.',
    created: 'Created',
    practice: 'Practice',
    name: 'Name',
    address: 'Address',
    bsnr: 'Operating-site number (BSNR)',
    installer: 'Installed by',
    company: 'Company',
    box: 'TI box',
    serial: 'Serial number',
    firmware: 'Firmware version',
    identity: 'VPN identity',
    boxId: 'Box id',
    subject: 'Certificate subject',
    fingerprint: 'Fingerprint (SHA-256)',
    validity: 'Valid',
    tiSegment: 'TI segment',
    devices: 'Registered devices',
    noDevices: 'No devices registered.',
    kind: { pvs: 'PVS host', terminal: 'Card terminal' },
    deviceName: 'Name',
    tiAddress: 'TI address',
    mac: 'MAC address',
    cetpPorts: 'CETP ports',
    checks: 'Function test',
    testRun: 'Run',
    check: 'Check',
    value: 'Measured',
    result: 'Result',
    verdicts: { pass: 'passed', warn: 'warning', fail: 'FAILED', skipped: 'skipped' },
    summary: {
      pass: 'Function test passed: no check found anything.',
      warn: 'Function test passed, with warnings.',
      fail: 'FUNCTION TEST FAILED: at least one check failed.',
      none: 'No function test was run.',
    },
    staleness: {
      noRun: 'No function test was run before this protocol.',
      old: 'The function test is older than 24 hours and may not show the box as it is handed over.',
      devicesChanged: 'The devices were changed after the function test; the test does not show them as they are now.',
    },
    failedChecks: 'Failed',
    signatures: 'Signatures',
    signInstaller: 'Installer',
    signPractice: 'Practice',
    placeDate: 'Place, date',
    signature: 'Signature',
    none: '–',
    page: 'Page',
  },
};

/** A time as the practice reads it: the box's local time, day and minute. */
export function protocolTime(iso: string, language: ProtocolLanguage): string {
  return new Date(iso).toLocaleString(language === 'de' ? 'de-DE' : 'en-GB', {
    timeZone: 'Europe/Berlin',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}
