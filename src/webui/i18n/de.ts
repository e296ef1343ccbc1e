// German, the default language.
import type { Messages } from './messages.ts';

export const de: Messages = {
  languageName: 'Deutsch',
  product: 'tibox TI-Zugang',
  switchLanguage: 'Sprache',
  status: {
    title: 'Status der TI-Verbindung',
    question: 'Liegt es an uns, am Internet, am Rechenzentrum oder an der TI?',
    verdict: {
      allOk: 'Die Box und ihr Weg ins Rechenzentrum arbeiten.',
      box: 'Die Störung liegt an der Box in der Praxis.',
      internet: 'Die Störung liegt am Internetzugang der Praxis.',
      datacenter: 'Die Box erreicht das Rechenzentrum nicht.',
      ti: 'Die Störung liegt in der TI.',
      unknown: 'Der Zustand lässt sich gerade nicht feststellen.',
    },
    links: { box: 'Praxis-LAN und Box', internet: 'Internet', datacenter: 'Rechenzentrum', ti: 'Telematikinfrastruktur (TI)' },
    states: { ok: 'in Ordnung', down: 'gestört', unknown: 'unbekannt' },
    reasons: {
      boxOk: 'Die Box arbeitet.',
      agentDown: 'Der Dienst der Box antwortet nicht.',
      noProfile: 'Es ist noch kein VPN-Profil eingespielt.',
      tunnelDisabled: 'Der Tunnel ist von Hand ausgeschaltet.',
      ipsecDown: 'Der VPN-Dienst der Box läuft nicht.',
      internetOk: 'Die Box erreicht das Internet.',
      wanDown: 'Die Box erreicht das Internet nicht (Kabel, Router oder Anschluss prüfen).',
      datacenterOk: 'Der Tunnel zum Rechenzentrum trägt Verkehr.',
      tunnelNotUp: 'Der Tunnel zum Rechenzentrum steht nicht.',
      tiNotChecked: 'Die Dienste der TI prüft diese Box noch nicht eigens.',
      dependsOnInternet: 'Nicht zu beurteilen, solange das Internet nicht erreichbar ist.',
      dependsOnDatacenter: 'Nicht zu beurteilen, solange das Rechenzentrum nicht erreichbar ist.',
    },
    since: (when) => `seit ${when}`,
    checkedAt: (when) => `Stand: ${when}`,
  },
  certificate: {
    title: 'Zertifikat dieser Box',
    explain: 'Der Browser kennt das Zertifikat der Box nicht. Vergleichen Sie diesen SHA-256-Fingerabdruck mit dem, den der Browser zeigt, oder mit der Ausgabe von „tibox status“:',
  },
  errors: {
    notFound: 'Diese Seite gibt es nicht.',
    internal: 'Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es erneut.',
    badOrigin: 'Die Anfrage kam nicht von einer Seite dieser Box und wurde abgelehnt.',
    back: 'Zur Startseite',
  },
};
