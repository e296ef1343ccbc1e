// Reads dnsmasq's DHCP log lines (with log-dhcp) into the requests it answered or ignored: the
// client's MAC, the host name and vendor class it sent, and the address dnsmasq gave it. dnsmasq
// logs each packet as a run of lines that carry the packet's transaction id (xid) after the
// `dnsmasq-dhcp[pid]: ` tag (in its own log file after a syslog-style time, `Dec  7 03:52:55 `):
//   2971280700 available DHCP subnet: 10.77.12.32/255.255.255.224    a packet begins
//   2971280700 vendor class: ORGA6141                                 option 60, if sent
//   2971280700 client provides name: KT-99                            option 12 (or 81), if sent
//   2971280700 DHCPDISCOVER(br-term) 02:00:5e:10:00:99 ignored        the request, and why nothing came
//   2454742852 DHCPOFFER(br-term) 10.77.12.40 02:00:5e:10:00:40       or the answer: OFFER, ACK, NAK
// A request is complete at dnsmasq's verdict: its answer, a request line that says why there is
// none, or a DHCPDECLINE or DHCPRELEASE, which get none. An ignored DHCPREQUEST logs no request
// line at all, so its transaction never completes: at most MAX_OPEN are kept, the one quiet
// longest is forgotten first.
// Pure and total: any line in, at most one request out, nothing thrown. A request is still outside
// input (a client chooses its MAC and names); whoever takes it checks it.

export interface DhcpRequest {
  readonly mac: string;
  /** The address dnsmasq offered or acknowledged; absent when it gave none. */
  readonly address?: string;
  readonly hostname?: string;
  readonly vendorClass?: string;
}

interface Sent {
  hostname?: string;
  vendorClass?: string;
}

const MAX_OPEN = 64;
/** A DHCP option holds at most 255 bytes. */
const MAX_TEXT = 255;

const DHCP_LINE = /^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d )?dnsmasq-dhcp\[\d+\]: (\d{1,10}) (.*)$/;
const SENT: readonly [string, keyof Sent][] = [['vendor class: ', 'vendorClass'], ['client provides name: ', 'hostname']];
/** `TYPE(interface) [address ]MAC[ why]`, as dnsmasq writes a packet it received or sent. */
const PACKET = /^([A-Z]+)\([^()\s]*\) (?:(\d{1,3}(?:\.\d{1,3}){3}) )?([0-9a-f]{2}(?::[0-9a-f]{2})*)(?: (.*))?$/;
/** The client's messages that dnsmasq answers, unless the line says why not. */
const ANSWERED = new Set(['DHCPDISCOVER', 'DHCPREQUEST', 'DHCPINFORM']);
/** dnsmasq's answers, and the client's messages that get none. */
const FINAL = new Set(['DHCPOFFER', 'DHCPACK', 'DHCPNAK', 'DHCPDECLINE', 'DHCPRELEASE']);
/** dnsmasq's answers that give the client an address. */
const GIVES_ADDRESS = new Set(['DHCPOFFER', 'DHCPACK']);

export class DhcpLogParser {
  /** What the client of each open transaction sent so far, the one quiet longest first. */
  private readonly open = new Map<string, Sent>();

  /** One line of dnsmasq's output; the request it completes, if any. */
  line(text: string): DhcpRequest | undefined {
    const [, xid = '', rest = ''] = DHCP_LINE.exec(text) ?? [];
    if (xid === '') return undefined;
    if (rest.startsWith('available DHCP ')) {
      // A new packet: what an earlier one with the same xid left is not its client's.
      this.open.delete(xid);
      return undefined;
    }
    const sent = SENT.find(([prefix]) => rest.startsWith(prefix));
    if (sent) {
      this.note(xid, sent[1], rest.slice(sent[0].length, sent[0].length + MAX_TEXT));
      return undefined;
    }
    const [, type = '', address, mac = '', why = ''] = PACKET.exec(rest) ?? [];
    if (!FINAL.has(type) && !(ANSWERED.has(type) && why !== '')) return undefined;
    const client = this.open.get(xid);
    this.open.delete(xid);
    return { mac, ...(GIVES_ADDRESS.has(type) && address ? { address } : {}), ...client };
  }

  private note(xid: string, field: keyof Sent, value: string): void {
    const before = this.open.get(xid);
    this.open.delete(xid);
    if (!before && this.open.size >= MAX_OPEN) this.open.delete(this.open.keys().next().value as string);
    this.open.set(xid, { ...before, [field]: value });
  }
}
