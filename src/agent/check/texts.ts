// The function test's words, each declared once in German and English: the checks' titles, the
// fixes and the notes. A text names values as {param}; the check's judgement gives them. The web
// UI and the installation protocol take the same texts through the result.
import type { Words } from './result.ts';

export const CHECK_TEXTS = {
  // Titles of the checks, by their ids.
  'title.wan': { de: 'WAN-Anschluss', en: 'WAN port' },
  'title.wanDns': { de: 'DNS am WAN', en: 'DNS on the WAN' },
  'title.time': { de: 'Uhrzeit und Zertifikate', en: 'Time and certificates' },
  'title.passthrough': { de: 'VPN-Passthrough (IKE, UDP 500/4500)', en: 'VPN passthrough (IKE, UDP 500/4500)' },
  'title.mtu': { de: 'Paketgröße (MTU)', en: 'Packet size (MTU)' },
  'title.tunnel': { de: 'Tunnel', en: 'Tunnel' },
  'title.connector': { de: 'Konnektor', en: 'Connector' },
  'title.tiDns': { de: 'TI-DNS', en: 'TI DNS' },
  'title.terminals': { de: 'Kartenterminals', en: 'Card terminals' },
  'title.pvsHosts': { de: 'PVS-Rechner', en: 'PVS hosts' },
  'title.addressPlan': { de: 'Adressplan', en: 'Address plan' },

  // Any check.
  'check.timedOut': {
    de: 'Die Prüfung hat nach {seconds} s keine Antwort erhalten. Bitte den Funktionstest wiederholen; bleibt es dabei, den Support verständigen.',
    en: 'The check got no answer within {seconds} s. Please run the function test again; if it stays so, call support.',
  },
  'check.error': {
    de: 'Die Prüfung konnte nicht ausgeführt werden ({error}). Bitte den Funktionstest wiederholen; bleibt es dabei, den Support verständigen.',
    en: 'The check could not be run ({error}). Please run the function test again; if it stays so, call support.',
  },
  'profile.missing': {
    de: 'Es ist noch kein VPN-Profil eingespielt. Bitte zuerst das Profil des Rechenzentrums importieren.',
    en: "No VPN profile has been imported yet. Please import the datacenter's profile first.",
  },

  // 1 WAN
  'wan.noPort': {
    de: 'Die Box hat keinen Anschluss {port}. Bitte in den Einstellungen den richtigen WAN-Anschluss wählen.',
    en: 'The box has no port {port}. Please choose the right WAN port in the settings.',
  },
  'wan.noCarrier': {
    de: 'Am WAN-Anschluss {port} ist keine Verbindung. Bitte das Kabel zum Internet-Router stecken und prüfen, ob der Router eingeschaltet ist.',
    en: 'The WAN port {port} has no link. Please plug in the cable to the internet router and check that the router is switched on.',
  },
  'wan.noLease': {
    de: 'Der Internet-Router vergibt dem WAN-Anschluss {port} keine Adresse (DHCP). Bitte DHCP am Router einschalten oder am WAN eine feste Adresse einstellen.',
    en: "The internet router gives the WAN port {port} no address (DHCP). Please switch DHCP on in the router or set a static address on the WAN.",
  },
  'wan.noAddress': {
    de: 'Der WAN-Anschluss {port} hat seine feste Adresse nicht. Bitte die WAN-Einstellungen prüfen.',
    en: 'The WAN port {port} does not hold its static address. Please check the WAN settings.',
  },
  'wan.noDefaultRoute': {
    de: 'Am WAN-Anschluss {port} fehlt der Weg ins Internet (Standard-Route). Bitte prüfen, ob der Router per DHCP ein Gateway nennt, oder das Gateway in den WAN-Einstellungen eintragen.',
    en: 'The WAN port {port} has no way to the internet (default route). Please check that the router names a gateway by DHCP, or enter the gateway in the WAN settings.',
  },
  'wan.inLan': {
    de: 'Der WAN-Anschluss steckt offenbar im Praxisnetz ({evidence}). Bitte das WAN-Kabel mit dem dafür vorgesehenen Anschluss des Internet-Routers verbinden.',
    en: "The WAN port appears to be plugged into the practice network ({evidence}). Please connect the WAN cable to the internet router's port meant for the box.",
  },

  // 2 DNS on the WAN
  'wanDns.srvFailed': {
    de: 'Der SRV-Eintrag {srv} der Gateways lässt sich nicht auflösen ({error}). Bitte den DNS-Server am WAN prüfen (Router oder WAN-Einstellungen).',
    en: "The gateways' SRV record {srv} does not resolve ({error}). Please check the name server on the WAN (the router or the WAN settings).",
  },
  'wanDns.namesFailed': {
    de: 'Die Namen der Gateways lassen sich nicht auflösen: {names}. Bitte den DNS-Server am WAN prüfen (Router oder WAN-Einstellungen).',
    en: "The gateways' names do not resolve: {names}. Please check the name server on the WAN (the router or the WAN settings).",
  },

  // 3 Time
  'time.unsynchronised': {
    de: 'Die Uhr der Box ist nicht mit einem Zeitserver abgeglichen. Bitte prüfen, ob der Router NTP (UDP 123) ins Internet durchlässt.',
    en: "The box's clock is not synchronised with a time server. Please check that the router lets NTP (UDP 123) out to the internet.",
  },
  'time.offset': {
    de: 'Die Uhr der Box geht um {offset} s falsch. Bitte einige Minuten warten und den Test wiederholen; bleibt es dabei, prüfen, ob der Router NTP (UDP 123) durchlässt.',
    en: "The box's clock is off by {offset} s. Please wait a few minutes and test again; if it stays so, check that the router lets NTP (UDP 123) through.",
  },
  'time.certificateNotYetValid': {
    de: 'Das Zertifikat {certificate} gilt erst ab {notBefore}. Stimmt die Uhrzeit, ist das Profil zu früh ausgestellt: bitte das Rechenzentrum verständigen.',
    en: 'The certificate {certificate} is valid only from {notBefore}. If the time is right, the profile was issued too early: please tell the datacenter.',
  },
  'time.certificateExpired': {
    de: 'Das Zertifikat {certificate} ist seit {notAfter} abgelaufen. Bitte beim Rechenzentrum ein neues VPN-Profil anfordern und importieren.',
    en: 'The certificate {certificate} expired on {notAfter}. Please ask the datacenter for a new VPN profile and import it.',
  },

  // 4 VPN passthrough
  'passthrough.none': {
    de: 'Kein Gateway antwortet auf IKE ({silent}). Bitte prüfen, ob der Router ins Internet kommt und VPN-Passthrough (IPsec-Passthrough) für UDP 500 und 4500 eingeschaltet ist.',
    en: 'No gateway answers IKE ({silent}). Please check that the router reaches the internet and that VPN passthrough (IPsec passthrough) for UDP 500 and 4500 is enabled.',
  },
  'passthrough.blocked': {
    de: 'Der Router der Praxis lässt {silent} nicht durch. Bitte am Router VPN-Passthrough (IPsec-Passthrough) für UDP 500 und 4500 einschalten und eine Firewall-Regel für ausgehendes UDP 500 und 4500 erlauben.',
    en: "The practice router does not pass {silent}. Please enable VPN passthrough (IPsec passthrough) for UDP 500 and 4500 on the router and allow outgoing UDP 500 and 4500 in its firewall.",
  },
  'passthrough.oneGateway': {
    de: 'Das Gateway {silent} antwortet nicht auf IKE, die anderen schon. Die Praxis ist erreichbar; bitte das Rechenzentrum verständigen, falls es so bleibt.',
    en: 'The gateway {silent} does not answer IKE, the others do. The practice is served; please tell the datacenter if it stays so.',
  },
  'passthrough.noGateway': {
    de: 'Das Profil ergibt kein Gateway, an das sich die Box wenden könnte. Bitte den DNS-Server am WAN prüfen oder das Rechenzentrum verständigen.',
    en: 'The profile gives no gateway the box could turn to. Please check the name server on the WAN or tell the datacenter.',
  },

  // 6 Path MTU
  'mtu.unknown': {
    de: 'Die Paketgröße der Leitung ist nicht gemessen ({because}); die Box nimmt {pathMtu} Byte an. Ist die Leitung kleiner (z. B. 1492 bei PPPoE, 1460 bei DS-Lite), bitte den Wert in den Einstellungen (tunnel.wanMtu) eintragen.',
    en: "The line's packet size has not been measured ({because}); the box assumes {pathMtu} bytes. If the line is smaller (e.g. 1492 with PPPoE, 1460 with DS-Lite), please enter it in the settings (tunnel.wanMtu).",
  },
  'mtu.small': {
    de: 'Die Leitung trägt nur Pakete bis {pathMtu} Byte; die Box begrenzt TCP auf {mss} Byte, das kostet Durchsatz. Bitte am Router prüfen, ob eine größere MTU möglich ist.',
    en: 'The line carries packets of at most {pathMtu} bytes; the box limits TCP to {mss} bytes, which costs throughput. Please check whether the router allows a larger MTU.',
  },

  // 7 Tunnel
  'tunnel.disabled': {
    de: 'Der Tunnel ist von Hand abgeschaltet. Bitte mit „tibox tunnel up“ oder in der Oberfläche wieder einschalten.',
    en: 'The tunnel has been switched off by hand. Please switch it on again with "tibox tunnel up" or in the web UI.',
  },
  'tunnel.down': {
    de: 'Der Tunnel steht nicht ({state}{reason}). Bitte zuerst die Prüfungen WAN, Uhrzeit und VPN-Passthrough beheben; bleibt es dabei, das Rechenzentrum verständigen.',
    en: 'The tunnel is not up ({state}{reason}). Please first fix the WAN, time and VPN passthrough checks; if it stays so, tell the datacenter.',
  },
  'tunnel.noStandby': {
    de: 'Das zweite Gateway {silent} antwortet nicht auf IKE: fällt {gateway} aus, kann die Box nicht ausweichen. Bitte das Rechenzentrum verständigen.',
    en: 'The second gateway {silent} does not answer IKE: should {gateway} fail, the box cannot fail over. Please tell the datacenter.',
  },
  'tunnel.oneGateway': {
    de: 'Das Profil nennt nur ein Gateway: fällt es aus, kann die Box nicht ausweichen. Ein Profil mit zwei Gateways beim Rechenzentrum anfragen.',
    en: 'The profile names only one gateway: should it fail, the box cannot fail over. Ask the datacenter for a profile with two gateways.',
  },

  // 8 Connector
  'connector.tunnelDown': {
    de: 'Der Konnektor ist nur durch den Tunnel erreichbar, und der steht nicht. Bitte zuerst die Prüfung „Tunnel“ beheben.',
    en: 'The connector is reached only through the tunnel, which is not up. Please fix the "Tunnel" check first.',
  },
  'connector.unreachable': {
    de: 'Der Konnektor {connector} antwortet nicht durch den Tunnel ({error}). Bitte das Rechenzentrum verständigen: der Konnektor oder sein Netz ist gestört.',
    en: 'The connector {connector} does not answer through the tunnel ({error}). Please tell the datacenter: the connector or its network is down.',
  },
  'connector.tls': {
    de: 'Mit dem Konnektor {connector} kommt keine TLS-Verbindung zustande ({error}). Bitte das Rechenzentrum verständigen.',
    en: 'No TLS connection can be made with the connector {connector} ({error}). Please tell the datacenter.',
  },
  'connector.sds': {
    de: 'Der Konnektor {connector} liefert kein lesbares Dienstverzeichnis connector.sds ({error}). Bitte das Rechenzentrum verständigen.',
    en: 'The connector {connector} gives no readable service directory connector.sds ({error}). Please tell the datacenter.',
  },

  // 9 TI DNS
  'tiDns.tunnel': {
    de: 'Der TI-DNS-Server {servers} antwortet nicht durch den Tunnel ({error}). Bitte das Rechenzentrum verständigen.',
    en: 'The TI DNS server {servers} does not answer through the tunnel ({error}). Please tell the datacenter.',
  },
  'tiDns.lan': {
    de: 'Der DNS-Dienst der Box unter {resolver} beantwortet TI-Namen nicht ({error}), obwohl der TI-DNS antwortet. Bitte die Box neu starten; bleibt es dabei, den Support verständigen.',
    en: "The box's DNS service at {resolver} does not answer TI names ({error}) although the TI DNS does. Please restart the box; if it stays so, call support.",
  },
  'tiDns.forwarding': {
    de: 'Für den DNS-Server der Praxis: Anfragen für {domains} an {resolver} weiterleiten (bedingte Weiterleitung).',
    en: "For the practice's DNS server: forward queries for {domains} to {resolver} (conditional forwarding).",
  },

  // 10 Card terminals
  'terminal.none': {
    de: 'Es ist noch kein Kartenterminal eingetragen. Bitte die Kartenterminals der Praxis mit MAC-Adresse und TI-Adresse eintragen.',
    en: "No card terminal is registered yet. Please register the practice's card terminals with their MAC address and TI address.",
  },
  'terminal.unreachable': {
    de: 'Kartenterminal antwortet nicht auf TCP 4742: {terminals}. Bitte prüfen, dass es eingeschaltet und am Terminal-Anschluss der Box (oder dessen Switch) eingesteckt ist und seine Adresse per DHCP bezieht; dann den Test wiederholen.',
    en: "Card terminal does not answer on TCP 4742: {terminals}. Please check that it is switched on, plugged into the box's terminal port (or its switch) and takes its address by DHCP; then test again.",
  },
  'terminal.otherMac': {
    de: 'Die Adresse des Kartenterminals wird von einem anderen Gerät benutzt: {terminals}. Bitte die eingetragene MAC-Adresse prüfen (sie steht auf dem Typenschild des Terminals) oder die Adresse auf dem fremden Gerät entfernen.',
    en: "The card terminal's address is in use by another device: {terminals}. Please check the registered MAC address (it is on the terminal's label) or remove the address from the other device.",
  },

  'terminal.noDescription': {
    de: 'Das Kartenterminal antwortet auf TCP 4742, aber nicht auf die SICCT-Dienstanfrage (UDP 4742): {terminals}. Der Konnektor findet es dann nicht von selbst: bitte seine Adresse in der Terminalverwaltung des Konnektors eintragen oder die Netzwerkeinstellungen des Terminals prüfen.',
    en: "The card terminal answers on TCP 4742 but not the SICCT service request (UDP 4742): {terminals}. The connector then does not find it by itself: please enter its address in the connector's terminal management or check the terminal's network settings.",
  },
  'terminal.firmware': {
    de: 'Kartenterminals geben Modell und Firmware in ihrer SICCT-Dienstbeschreibung nicht an: Bitte die Firmware-Version im Menü jedes Terminals ablesen. Mindestens nötig sind Ingenico ORGA 6141 ab 3.8.0 und Cherry ST-1506 ab 3.0.0.',
    en: 'Card terminals do not state their model and firmware in their SICCT service description: please read the firmware version in each terminal\'s menu. At least Ingenico ORGA 6141 from 3.8.0 and Cherry ST-1506 from 3.0.0 are needed.',
  },

  // 11 PVS hosts
  'pvs.none': {
    de: 'Es ist noch kein PVS-Rechner eingetragen. Bitte die PVS-Rechner der Praxis mit MAC-Adresse und TI-Adresse eintragen.',
    en: "No PVS host is registered yet. Please register the practice's PVS hosts with their MAC address and TI address.",
  },
  'pvs.notSeen': {
    de: 'Noch nicht gesehen: {hosts}. Bitte auf diesen Rechnern die Einrichtungsbefehle ausführen und den Test wiederholen.',
    en: 'Not seen yet: {hosts}. Please run the setup commands on these hosts, then test again.',
  },
  'pvs.otherMac': {
    de: 'Die TI-Adresse wird von einem anderen Gerät benutzt: {hosts}. Bitte die eingetragene MAC-Adresse prüfen oder die Adresse auf dem fremden Gerät entfernen.',
    en: 'The TI address is in use by another device: {hosts}. Please check the registered MAC address or remove the address from the other device.',
  },

  // 12 Address plan
  'plan.collision': {
    de: 'Adressbereiche überschneiden sich: {findings}. Bitte das Praxisnetz oder den WAN anders nummerieren oder beim Rechenzentrum ein anderes TI-Segment anfragen.',
    en: 'Address ranges collide: {findings}. Please renumber the practice network or the WAN, or ask the datacenter for another TI segment.',
  },
  'plan.warning': {
    de: 'Der Adressplan funktioniert, mit Einschränkungen: {findings}.',
    en: 'The address plan works, with limits: {findings}.',
  },
} as const satisfies Record<string, Words>;

export type TextKey = keyof typeof CHECK_TEXTS;

/** The text with its {params} filled in; a param not given stays as written, so a missing value shows. */
export function wordsOf(key: TextKey, params: Readonly<Record<string, string>> = {}): Words {
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
  const { de, en } = CHECK_TEXTS[key];
  return { de: fill(de), en: fill(en) };
}
