// Health as data. Every warning the box can raise is declared once in HEALTH_CATALOGUE with a
// stable code, a severity, German and English text and whether it impairs TI connectivity.
// The web UI, `tibox status` and remote management all show the same list from here.

export type Severity = 'info' | 'warning' | 'critical';

export interface HealthDefinition {
  severity: Severity;
  /** True where the warning means PVS hosts or terminals may not reach the TI. */
  impactsTi: boolean;
  text: { de: string; en: string };
}

export const HEALTH_CATALOGUE = {
  'config.invalid': {
    severity: 'warning',
    impactsTi: false,
    text: {
      de: 'Die gespeicherte Konfiguration ist ungültig; die Box arbeitet mit der letzten gültigen weiter.',
      en: 'The stored configuration is invalid; the box keeps running on the last valid one.',
    },
  },
  // A network change awaits confirmation (src/agent/pending/); the detail says which and until when.
  'config.pending': {
    severity: 'warning',
    impactsTi: false,
    text: {
      de: 'Eine Änderung der Netzwerkeinstellungen wartet auf Bestätigung. Wird sie nicht rechtzeitig bestätigt, stellt die Box die vorigen Einstellungen von selbst wieder her.',
      en: 'A change to the network settings awaits confirmation. Unless it is confirmed in time, the box restores the previous settings by itself.',
    },
  },
  'database.unknownVersion': {
    severity: 'critical',
    impactsTi: true,
    text: {
      de: 'Die Datenbank stammt von einer neueren Firmware, die diese Version nicht lesen kann.',
      en: 'The database was written by a newer firmware that this version cannot read.',
    },
  },
  // The data partition took no writes when the agent started (src/agent/config.ts): the agent
  // runs on the stored database read-only, or on defaults in memory, and refuses every change.
  'database.unavailable': {
    severity: 'warning',
    impactsTi: false,
    text: {
      de: 'Die Datenpartition der Box nimmt keine Schreibzugriffe an. Die Box arbeitet mit der gespeicherten Konfiguration oder, falls diese nicht lesbar ist, mit den Voreinstellungen; Änderungen werden abgelehnt. Bitte den Support benachrichtigen.',
      en: "The box's data partition takes no writes. The box runs on its stored configuration or, where that cannot be read, on defaults; changes are refused. Please tell support.",
    },
  },
  // Best-effort writes (bestEffortStore.ts): the histories go on in memory, user changes are refused.
  'database.notWritable': {
    severity: 'warning',
    impactsTi: false,
    text: {
      de: 'Die Datenbank der Box kann nicht beschrieben werden (schreibgeschützt, voll oder defekt). Der Tunnel arbeitet weiter; Tunnel- und Terminalverlauf werden bis dahin nur im Speicher gehalten, und Änderungen an Einstellungen und Geräten können nicht gespeichert werden.',
      en: "The box's database cannot be written (read-only, full or failing). The tunnel keeps working; until then the tunnel and terminal history are kept in memory only, and changes to settings and devices cannot be saved.",
    },
  },
  // Provisioning (src/agent/provisioning/): what the factory writes once; TI access does not need it.
  'provisioning.missing': {
    severity: 'warning',
    impactsTi: false,
    text: {
      de: 'Der Box fehlen ihre Werksdaten (Seriennummer und Erstpasswort der Weboberfläche): Sie wurde im Werk nicht fertig eingerichtet. Der TI-Zugang arbeitet normal, aber mit dem Erstpasswort kann sich niemand an der Weboberfläche anmelden. Bitte den Support des Rechenzentrums informieren.',
      en: "The box lacks its factory data (serial number and initial web UI password): it was not finished at the factory. TI access works normally, but nobody can log in to the web interface with the initial password. Please tell the datacenter's support.",
    },
  },
  'provisioning.unreadable': {
    severity: 'warning',
    impactsTi: false,
    text: {
      de: 'Die Werksdaten der Box (Seriennummer und Erstpasswort der Weboberfläche) sind beschädigt oder in einem Format, das diese Firmware nicht kennt. Der TI-Zugang arbeitet normal, aber mit dem Erstpasswort kann sich niemand an der Weboberfläche anmelden. Bitte den Support des Rechenzentrums informieren und den Fehler aus den Details nennen.',
      en: "The box's factory data (serial number and initial web UI password) is damaged or in a format this firmware does not know. TI access works normally, but nobody can log in to the web interface with the initial password. Please tell the datacenter's support the error in the details.",
    },
  },
  // The tunnel controller (src/ipsec/tunnel/tunnelWarnings.ts): which of the four holds follows its
  // state; all but `tunnel.disabled` wait out a short grace, so a failover never shows.
  'tunnel.noProfile': {
    severity: 'critical',
    impactsTi: true,
    text: {
      de: 'Auf der Box ist kein VPN-Profil in Gebrauch, daher gibt es keinen Tunnel zum Rechenzentrum: Praxisverwaltung und Kartenterminals erreichen die TI nicht. Bitte das VPN-Profil des Rechenzentrums einspielen lassen (IT-Dienstleister der Praxis); ist es schon eingespielt, den Support des Rechenzentrums anrufen.',
      en: "No VPN profile is in use on the box, so there is no tunnel to the datacenter: practice software and card terminals cannot reach the TI. Please have the datacenter's VPN profile imported (the practice's IT service provider); if it has been imported already, call the datacenter's support.",
    },
  },
  'tunnel.disabled': {
    severity: 'warning',
    impactsTi: true,
    text: {
      de: 'Der VPN-Tunnel wurde von Hand abgeschaltet (etwa vom Support für eine Wartung) und bleibt aus, bis ihn jemand wieder einschaltet; bis dahin ist die TI nicht erreichbar. Ist das nicht gewollt, bitte den IT-Dienstleister der Praxis oder den Support des Rechenzentrums bitten, ihn wieder einzuschalten.',
      en: "The VPN tunnel was switched off by hand (by support for maintenance, for example) and stays off until someone switches it on again; until then the TI cannot be reached. If that is not intended, please ask the practice's IT service provider or the datacenter's support to switch it on again.",
    },
  },
  'tunnel.down': {
    severity: 'critical',
    impactsTi: true,
    text: {
      de: 'Der VPN-Tunnel zum Rechenzentrum steht nicht; die TI ist nicht erreichbar. Die Box versucht selbst, ihn wieder aufzubauen. Dauert es an, bitte den Support des Rechenzentrums anrufen und den Grund aus den Details nennen.',
      en: "The VPN tunnel to the datacenter is down; the TI cannot be reached. The box keeps trying to bring it back by itself. If it lasts, please call the datacenter's support and tell them the reason in the details.",
    },
  },
  'wan.down': {
    severity: 'critical',
    impactsTi: true,
    text: {
      de: 'Die Box erreicht das Internet nicht (keine Antwort hinter dem Internet-Router der Praxis), daher auch die TI nicht. Bitte Internet-Router und WAN-Kabel der Box prüfen; hat die ganze Praxis kein Internet, den Internetanbieter anrufen. Der Tunnel kommt von selbst zurück, sobald das Internet wieder da ist.',
      en: "The box cannot reach the internet (no answer beyond the practice's internet router), so it cannot reach the TI either. Please check the internet router and the box's WAN cable; if the whole practice has no internet, call the internet provider. The tunnel comes back by itself once the internet is back.",
    },
  },
  // The WAN port (src/wan/warnings.ts): each raised once it has held 10 s, cleared at once.
  'wan.noLink': {
    severity: 'critical',
    impactsTi: true,
    text: {
      de: 'Der WAN-Anschluss der Box hat keine Verbindung zum Internet-Router. Bitte prüfen, ob das WAN-Kabel in der Box und im Router steckt und der Router eingeschaltet ist.',
      en: "The box's WAN port has no link to the internet router. Please check that the WAN cable is plugged into the box and the router, and that the router is switched on.",
    },
  },
  'wan.noLease': {
    severity: 'critical',
    impactsTi: true,
    text: {
      de: 'Der Internet-Router gibt der Box per DHCP keine Adresse. Bitte prüfen, ob der DHCP-Server des Routers eingeschaltet ist, oder der Box eine feste WAN-Adresse geben.',
      en: "The internet router gives the box no address by DHCP. Please check that the router's DHCP server is on, or give the box a static WAN address.",
    },
  },
  'wan.noDefaultRoute': {
    severity: 'critical',
    impactsTi: true,
    text: {
      de: 'Die Box hat keinen Weg ins Internet (keine Standardroute über den Router). Bitte die Gateway-Einstellung des WAN-Anschlusses oder den DHCP-Server des Routers prüfen.',
      en: "The box has no way to the internet (no default route via the router). Please check the WAN port's gateway setting or the router's DHCP server.",
    },
  },
  'wan.noDns': {
    severity: 'warning',
    impactsTi: true,
    text: {
      de: 'Die Box kennt keinen DNS-Server im Internet. Gateways mit Namen und die Zeit können nicht aufgelöst werden. Bitte DNS-Server für den WAN-Anschluss eintragen oder den DHCP-Server des Routers prüfen.',
      en: "The box knows no DNS server on the internet, so gateway names and time servers cannot be resolved. Please set DNS servers for the WAN port or check the router's DHCP server.",
    },
  },
  // The path MTU of the internet line (src/ipsec/pathMtu/): the tunnel's MTU and TCP's MSS follow
  // it, so TI works; the detail names the figures.
  'wan.smallPathMtu': {
    severity: 'warning',
    impactsTi: false,
    text: {
      de: 'Die Internetleitung der Praxis überträgt nur kleine Pakete (Pfad-MTU unter 1400 Byte, etwa bei einer Mobilfunk-Ersatzleitung oder einem falsch eingestellten Router). Die Box passt den Tunnel daran an und die TI bleibt erreichbar, große Übertragungen werden aber langsamer. Bitte den Internet-Router bzw. den Internetanbieter prüfen lassen.',
      en: "The practice's internet line carries only small packets (path MTU under 1400 bytes, as on a mobile fallback line or with a misconfigured router). The box fits the tunnel to it and the TI stays reachable, but large transfers get slower. Please have the internet router or the provider checked.",
    },
  },
  // The firewall (src/firewall/tamperWarning.ts): its table removed or changed by someone else.
  'firewall.tableChanged': {
    severity: 'warning',
    impactsTi: false,
    text: {
      de: 'Jemand hat die Firewall-Regeln der Box von außen entfernt oder verändert; die Box lädt ihre eigenen daraufhin sofort wieder (die Details sagen, ob das gelang). Das geschieht nicht von allein: Bitte den IT-Dienstleister der Praxis fragen, wer an der Box gearbeitet hat, und wenn es niemand war, den Support des Rechenzentrums informieren. Der Hinweis bleibt einen Tag lang nach dem letzten Vorfall stehen.',
      en: "Someone removed or changed the box's firewall rules from outside; the box loads its own again at once (the details say whether that worked). This does not happen by itself: please ask the practice's IT service provider who worked on the box and, if nobody did, tell the datacenter's support. The warning stays for a day after the last occurrence.",
    },
  },
  // The clock (src/agent/clock/): certificates need it, and TIP1-A_4788 makes an hour off critical.
  'clock.unsynchronised': {
    severity: 'warning',
    impactsTi: false,
    text: {
      de: 'Die Uhr der Box ist noch nicht mit der Internetzeit abgeglichen; Zertifikate können falsch beurteilt werden.',
      en: "The box's clock is not synchronised with internet time yet; certificates may be judged wrongly.",
    },
  },
  'clock.offBy1h': {
    severity: 'critical',
    impactsTi: true,
    text: {
      de: 'Die Uhr der Box weicht um mehr als eine Stunde ab; der VPN-Tunnel kann an der Zertifikatsprüfung scheitern.',
      en: "The box's clock is off by more than an hour; the VPN tunnel may fail the certificate check.",
    },
  },
  'profile.certificateExpiring': {
    severity: 'warning',
    impactsTi: false,
    text: {
      de: 'Das Zertifikat der Box läuft in weniger als 30 Tagen ab. Bitte beim Rechenzentrum ein neues VPN-Profil anfordern.',
      en: "The box's certificate expires in less than 30 days. Please ask the datacenter for a new VPN profile.",
    },
  },
  'profile.certificateExpired': {
    severity: 'critical',
    impactsTi: true,
    text: {
      de: 'Das Zertifikat der Box ist abgelaufen; der VPN-Tunnel kann nicht aufgebaut werden. Bitte ein neues VPN-Profil einspielen.',
      en: "The box's certificate has expired; the VPN tunnel cannot be established. Please import a new VPN profile.",
    },
  },
  // Remote management's own client certificate (profile format version 2): once it has expired
  // the box cannot reach its management server, not even for the renewal that would replace it.
  'management.certificateExpiring': {
    severity: 'warning',
    impactsTi: false,
    text: {
      de: 'Das Fernwartungs-Zertifikat der Box läuft in weniger als 30 Tagen ab; danach kann das Rechenzentrum die Box nicht mehr aus der Ferne warten. Bitte beim Rechenzentrum ein neues VPN-Profil anfordern.',
      en: "The box's remote management certificate expires in less than 30 days; after that the datacenter can no longer manage the box remotely. Please ask the datacenter for a new VPN profile.",
    },
  },
  'management.certificateExpired': {
    severity: 'warning',
    impactsTi: false,
    text: {
      de: 'Das Fernwartungs-Zertifikat der Box ist abgelaufen; das Rechenzentrum kann die Box nicht mehr aus der Ferne warten. Bitte ein neues VPN-Profil einspielen.',
      en: "The box's remote management certificate has expired; the datacenter can no longer manage the box remotely. Please import a new VPN profile.",
    },
  },
  // Device inventory (src/lan/inventory/): registered card terminals probed on TCP 4742.
  'terminal.unreachable': {
    severity: 'warning',
    impactsTi: true,
    text: {
      de: 'Ein registriertes Kartenterminal antwortet nicht auf TCP 4742; an ihm können keine Karten gelesen werden. Bitte Strom und Netzwerkkabel prüfen.',
      en: 'A registered card terminal does not answer on TCP 4742; cards cannot be read there. Please check its power and network cable.',
    },
  },
  // LAN ports and the address plan (src/lan/).
  'lan.addressCollision': {
    severity: 'warning',
    impactsTi: true,
    text: {
      de: 'Adressen im Praxisnetz, am WAN-Anschluss oder in Routen der Praxis überschneiden sich mit den TI-Adressen der Box; ein Teil der TI ist womöglich nicht erreichbar. Die Details nennen die Überschneidung und was zu ändern ist.',
      en: "Addresses of the practice network, the WAN port or the practice's routes overlap the box's TI addresses; part of the TI may be unreachable. The details name the overlap and what to change.",
    },
  },
  'lan.wanInLan': {
    severity: 'warning',
    impactsTi: true,
    text: {
      de: 'Der WAN-Anschluss der Box steckt offenbar im Praxisnetz. Bitte das WAN-Kabel mit dem dafür vorgesehenen Anschluss des Internet-Routers verbinden, nicht mit einem Switch oder Anschluss des Praxisnetzes.',
      en: "The box's WAN port appears to be plugged into the practice network. Please connect the WAN cable to the internet router's port meant for the box, not to a switch or port of the practice network.",
    },
  },
  // LAN: dnsmasq for the terminal bridge and split DNS (src/lan/dnsmasq/), run by its own service.
  'dnsmasq.down': {
    severity: 'critical',
    impactsTi: true,
    text: {
      de: 'DNS und DHCP der Box laufen nicht; sie werden neu gestartet. Bis dahin erhalten Kartenterminals keine Adresse und TI-Namen werden nicht aufgelöst.',
      en: "The box's DNS and DHCP are not running and are being restarted. Until then card terminals get no address and TI names do not resolve.",
    },
  },
} as const satisfies Record<string, HealthDefinition>;

export type HealthCode = keyof typeof HEALTH_CATALOGUE;

export interface HealthWarning extends HealthDefinition {
  code: HealthCode;
  /** ISO time the warning was raised. */
  since: string;
  /** Specifics of this occurrence, in plain words (not translated: names, values). */
  detail?: string;
}

export class Health {
  private readonly active = new Map<HealthCode, HealthWarning>();
  private readonly onChange: (warnings: HealthWarning[]) => void;
  private readonly now: () => Date;

  constructor(onChange: (warnings: HealthWarning[]) => void, now: () => Date = () => new Date()) {
    this.onChange = onChange;
    this.now = now;
  }

  /** Raises a warning, or updates its detail; its `since` stays that of the first raise. */
  raise(code: HealthCode, detail?: string): void {
    const existing = this.active.get(code);
    if (existing && existing.detail === detail) return;
    this.active.set(code, {
      code,
      ...HEALTH_CATALOGUE[code],
      since: existing?.since ?? this.now().toISOString(),
      ...(detail === undefined ? {} : { detail }),
    });
    this.onChange(this.list());
  }

  clear(code: HealthCode): void {
    if (this.active.delete(code)) this.onChange(this.list());
  }

  /** Active warnings, most severe first, then by code for a stable order. */
  list(): HealthWarning[] {
    const rank: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
    return [...this.active.values()].sort((a, b) => rank[a.severity] - rank[b.severity] || a.code.localeCompare(b.code));
  }
}
