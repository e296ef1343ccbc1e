// The tibox configuration: one schema that validates a config, gives every field its default and
// describes the fields (labels and help in German and English) to the web UI. Later issues add
// groups here; a new field needs a default that validates (a test checks) so configs stored by an
// older firmware stay valid. A valid config is also one the planners take (plannerChecks.ts).
import { WEEKDAY_NAMES } from '../../updater/index.ts';
import type { FieldError } from './fields.ts';
import { plannerProblems } from './plannerChecks.ts';
import { defaults, defineSchema, describe, validate, type ConfigOf, type FieldDescription, type Validation } from './schema.ts';

export const CONFIG_SCHEMA = defineSchema({
  box: {
    name: {
      type: 'string',
      minLength: 1,
      maxLength: 63,
      // No control or format characters: the name appears in logs, the UI and remote management.
      pattern: '\\P{C}+',
      patternMessage: 'must contain printable characters only',
      default: 'tibox',
      label: { de: 'Name des Standorts', en: 'Site name' },
      help: {
        de: 'Frei wählbarer Name, an dem Sie die Box erkennen, z. B. „Praxis Dr. Muster, Empfang“.',
        en: 'A free-form name to recognise the box by, e.g. "Practice Dr. Muster, reception".',
      },
    },
  },
  // For the installation protocol: who runs the box where, and who set it up. All optional (empty
  // by default), so a box is usable before anyone has typed them in.
  practice: {
    name: {
      type: 'string',
      ...optionalText(100),
      label: { de: 'Name der Praxis', en: 'Practice name' },
      help: {
        de: 'Name der Praxis, wie er im Installationsprotokoll stehen soll, z. B. „Praxis Dr. Muster“.',
        en: 'The practice\'s name as the installation protocol shows it, e.g. "Praxis Dr. Muster".',
      },
    },
    street: {
      type: 'string',
      ...optionalText(100),
      label: { de: 'Straße und Hausnummer', en: 'Street and number' },
      help: { de: 'Anschrift der Praxis: Straße und Hausnummer.', en: "The practice's address: street and house number." },
    },
    postalCode: {
      type: 'string',
      minLength: 0,
      maxLength: 5,
      pattern: '(?:[0-9]{5})?',
      patternMessage: 'must be a German postal code of 5 digits, such as 10115, or empty',
      default: '',
      label: { de: 'Postleitzahl', en: 'Postal code' },
      help: { de: 'Fünfstellige Postleitzahl der Praxis.', en: "The practice's five-digit German postal code." },
    },
    city: {
      type: 'string',
      ...optionalText(60),
      label: { de: 'Ort', en: 'City' },
      help: { de: 'Ort der Praxis.', en: "The practice's town or city." },
    },
    bsnr: {
      type: 'string',
      minLength: 0,
      maxLength: 9,
      pattern: '(?:[0-9]{9})?',
      patternMessage: 'must be the 9 digits of the operating-site number (BSNR), such as 021234500, or empty',
      default: '',
      label: { de: 'Betriebsstättennummer (BSNR)', en: 'Operating-site number (BSNR)' },
      help: {
        de: 'Neunstellige Betriebsstättennummer der Kassenärztlichen Vereinigung; leer lassen, wenn die Praxis keine hat (z. B. Zahnarzt- oder Privatpraxis).',
        en: "The nine-digit operating-site number (Betriebsstättennummer) from the Association of Statutory Health Insurance Physicians; leave empty where the practice has none (a dental or private practice, for example).",
      },
    },
    installerName: {
      type: 'string',
      ...optionalText(100),
      label: { de: 'Name des Installateurs', en: "Installer's name" },
      help: {
        de: 'Wer die Box in der Praxis eingerichtet hat; steht im Installationsprotokoll.',
        en: 'Who set the box up in the practice; the installation protocol shows it.',
      },
    },
    installerCompany: {
      type: 'string',
      ...optionalText(100),
      label: { de: 'Firma des Installateurs', en: "Installer's company" },
      help: {
        de: 'Firma des Installateurs, meist der IT-Dienstleister der Praxis.',
        en: "The installer's company, usually the practice's IT service provider.",
      },
    },
  },
  ui: {
    language: {
      type: 'enum',
      values: ['de', 'en'],
      default: 'de',
      label: { de: 'Sprache der Oberfläche', en: 'Interface language' },
      help: { de: 'Sprache der Weboberfläche für alle Benutzer.', en: 'Language of the web interface for all users.' },
    },
  },
  interfaces: {
    lan: {
      type: 'interface',
      default: 'lan0',
      label: { de: 'Praxisnetz (LAN)', en: 'Practice network (LAN)' },
      help: {
        de: 'Anschluss zum Praxisnetz mit den PVS-Rechnern: Name der Linux-Schnittstelle, wie `ip link` ihn zeigt.',
        en: 'Port to the practice network with the PVS computers: the Linux interface name, as `ip link` shows it.',
      },
    },
    wan: {
      type: 'interface',
      default: 'wan0',
      label: { de: 'Internet (WAN)', en: 'Internet (WAN)' },
      help: {
        de: 'Anschluss zum Internet-Router: Name der Linux-Schnittstelle, wie `ip link` ihn zeigt.',
        en: 'Port to the internet router: the Linux interface name, as `ip link` shows it.',
      },
    },
    lanFallback: {
      type: 'string',
      minLength: 9,
      maxLength: 18,
      pattern: '(?:[0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}',
      patternMessage: 'must be an address with its prefix length, such as 169.254.77.1/16',
      // Link-local: a service laptop without DHCP gives itself an address in this range and
      // reaches the box with no setup at all, and it collides with no practice network.
      default: '169.254.77.1/16',
      label: { de: 'Feste Adresse im Praxisnetz', en: 'Fixed practice-network address' },
      help: {
        de: 'Adresse der Box im Praxisnetz neben der per DHCP bezogenen, auch ohne DHCP-Server erreichbar (steht auf dem Typenschild).',
        en: "The box's address on the practice network besides the one from DHCP, reachable without a DHCP server too (printed on the label).",
      },
    },
    terminals: {
      type: 'list',
      of: { type: 'interface' },
      minItems: 0,
      maxItems: 8,
      unique: true,
      default: ['term0'],
      label: { de: 'Kartenterminals', en: 'Card terminals' },
      help: {
        de: 'Anschlüsse der eHealth-Kartenterminals (Namen der Linux-Schnittstellen); leer, wenn die Terminals im Praxisnetz stehen.',
        en: 'Ports of the eHealth card terminals (Linux interface names); empty when the terminals sit in the practice network.',
      },
    },
  },
  // The WAN port (docs/wan.md): by DHCP from the practice router, or static. A change is a
  // network change with rollback (src/agent/pending/networkKeys.ts).
  wan: {
    mode: {
      type: 'enum',
      values: ['dhcp', 'static'],
      default: 'dhcp',
      label: { de: 'WAN-Adresse', en: 'WAN address' },
      help: {
        de: '„dhcp“: Die Box bezieht Adresse, Gateway und DNS-Server vom Internet-Router (üblich). „static“: feste Werte, unten einzutragen.',
        en: '"dhcp": the box takes its address, gateway and DNS servers from the internet router (the usual case). "static": fixed values, set below.',
      },
    },
    address: {
      type: 'string',
      minLength: 0,
      maxLength: 18,
      pattern: '(?:(?:[0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2})?',
      patternMessage: 'must be an address with its prefix length, such as 192.168.178.2/24, or empty',
      default: '',
      label: { de: 'Feste WAN-Adresse', en: 'Static WAN address' },
      help: {
        de: 'Nur bei „static“: Adresse der Box im Netz des Internet-Routers mit Präfixlänge, z. B. 192.168.178.2/24.',
        en: "Static mode only: the box's address in the internet router's network, with its prefix length, e.g. 192.168.178.2/24.",
      },
    },
    gateway: {
      type: 'string',
      minLength: 0,
      maxLength: 15,
      pattern: '(?:(?:[0-9]{1,3}\\.){3}[0-9]{1,3})?',
      patternMessage: 'must be an IPv4 address such as 192.168.178.1, or empty',
      default: '',
      label: { de: 'Gateway (Internet-Router)', en: 'Gateway (internet router)' },
      help: {
        de: 'Nur bei „static“: Adresse des Internet-Routers im selben Netz, z. B. 192.168.178.1.',
        en: "Static mode only: the internet router's address in the same network, e.g. 192.168.178.1.",
      },
    },
    resolvers: {
      type: 'list',
      of: { type: 'ipv4' },
      minItems: 0,
      maxItems: 3,
      unique: true,
      default: [],
      label: { de: 'DNS-Server', en: 'DNS servers' },
      help: {
        de: 'DNS-Server, über die die Box Gateway-Namen und Zeitserver auflöst. Bei „static“ nötig; bei „dhcp“ ersetzen sie, wenn eingetragen, die des Routers.',
        en: "DNS servers the box resolves gateway names and time servers with. Needed in static mode; in DHCP mode, when set, they replace the router's.",
      },
    },
  },
  tunnel: {
    enabled: {
      type: 'boolean',
      default: true,
      label: { de: 'TI-Tunnel aktiv', en: 'TI tunnel enabled' },
      help: {
        de: 'Aus nur für den Support: Solange der Tunnel aus ist, ist die TI für Praxis und Terminals nicht erreichbar.',
        en: 'Off for support only: while the tunnel is off, the TI cannot be reached from the practice or the terminals.',
      },
    },
    wanMtu: {
      type: 'integer',
      min: 0,
      max: 1500,
      default: 0,
      label: { de: 'MTU der Internetleitung', en: 'Internet line MTU' },
      help: {
        de: '0: Die Box ermittelt die Pfad-MTU zum Rechenzentrum selbst (empfohlen). Nur wenn das nicht gelingt (die Details im Status sagen es), die MTU der Leitung eintragen, 1280 bis 1500: 1492 bei PPPoE-DSL, 1460 bei DS-Lite, 1452 bei DS-Lite über PPPoE.',
        en: "0: the box learns the path MTU towards the datacenter by itself (recommended). Only where that fails (the status says so), enter the line's MTU, 1280 to 1500: 1492 for PPPoE DSL, 1460 for DS-Lite, 1452 for DS-Lite over PPPoE.",
      },
    },
  },
  // When updates are installed (docs/updates.md): outside the practice's opening hours, local
  // time in Germany, unless a deployment is forced. The defaults are the main time of the service.
  updates: {
    openingDays: {
      type: 'list',
      of: { type: 'enum', values: WEEKDAY_NAMES },
      minItems: 0,
      maxItems: 7,
      unique: true,
      default: ['mon', 'tue', 'wed', 'thu', 'fri'],
      label: { de: 'Öffnungstage', en: 'Opening days' },
      help: {
        de: 'Tage, an denen die Praxis öffnet (mon … sun); an ihnen installiert die Box Updates nur außerhalb der Öffnungszeit.',
        en: 'Days the practice opens (mon … sun); on them the box installs updates only outside the opening hours.',
      },
    },
    openingFrom: {
      type: 'string',
      minLength: 5,
      maxLength: 5,
      pattern: '(?:[01][0-9]|2[0-3]):[0-5][0-9]',
      patternMessage: 'must be a time of day HH:MM such as 06:00',
      default: '06:00',
      label: { de: 'Öffnung ab', en: 'Opens at' },
      help: { de: 'Beginn der Öffnungszeit, deutsche Ortszeit (HH:MM).', en: 'Start of the opening hours, German local time (HH:MM).' },
    },
    openingUntil: {
      type: 'string',
      minLength: 5,
      maxLength: 5,
      pattern: '(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00',
      patternMessage: 'must be a time of day HH:MM such as 22:00, or 24:00 for midnight',
      default: '22:00',
      label: { de: 'Öffnung bis', en: 'Open until' },
      help: { de: 'Ende der Öffnungszeit, deutsche Ortszeit (HH:MM, 24:00 für Mitternacht).', en: 'End of the opening hours, German local time (HH:MM, 24:00 for midnight).' },
    },
    closedOnHolidays: {
      type: 'boolean',
      default: true,
      label: { de: 'An Feiertagen geschlossen', en: 'Closed on public holidays' },
      help: {
        de: 'An bundesweiten Feiertagen gilt die Praxis als geschlossen, Updates dürfen dann den ganzen Tag laufen.',
        en: 'On national public holidays the practice counts as closed, so updates may run all day.',
      },
    },
    installMinutes: {
      type: 'integer',
      min: 5,
      max: 240,
      default: 30,
      label: { de: 'Dauer eines Updates (Minuten)', en: 'Time an update takes (minutes)' },
      help: {
        de: 'Ein Update beginnt nur, wenn bis zur nächsten Öffnung mindestens so viel Zeit bleibt (Installation und Neustart).',
        en: 'An update starts only with at least this much time left before the next opening (install and reboot).',
      },
    },
  },
  log: {
    level: {
      type: 'enum',
      values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'],
      default: 'info',
      label: { de: 'Protokollstufe', en: 'Log level' },
      help: {
        de: 'Wie ausführlich der Agent protokolliert; „debug“ und „trace“ nur zur Fehlersuche.',
        en: 'How much the agent logs; "debug" and "trace" for troubleshooting only.',
      },
    },
  },
});

export type ConfigSchema = typeof CONFIG_SCHEMA;
export type Config = ConfigOf<ConfigSchema>;

export function defaultConfig(): Config {
  return defaults(CONFIG_SCHEMA);
}

export function validateConfig(input: unknown): Validation<Config> {
  return validate(CONFIG_SCHEMA, input, plannerProblems);
}

export function describeSchema(): FieldDescription[] {
  return describe(CONFIG_SCHEMA);
}

export type { FieldError, FieldDescription, Validation };

/**
 * The constraints of a free text that may stay empty: printable characters only (the text appears
 * in logs, the UI and the printed protocol), no blank at either end (a blank nobody sees would
 * make two equal-looking names differ).
 */
function optionalText(maxLength: number) {
  return {
    minLength: 0,
    maxLength,
    pattern: '(?:[^\\s\\p{C}](?:\\P{C}*[^\\s\\p{C}])?)?',
    patternMessage: 'must contain printable characters only, with no blank at either end',
    default: '',
  } as const;
}
