// English, switchable.
import type { Messages } from './messages.ts';

export const en: Messages = {
  languageName: 'English',
  product: 'tibox TI access',
  switchLanguage: 'Language',
  status: {
    title: 'TI connection status',
    question: 'Is it us, the internet, the datacenter or the TI?',
    verdict: {
      allOk: 'The box and its way to the datacenter are working.',
      box: 'The fault is at the box in the practice.',
      internet: "The fault is at the practice's internet access.",
      datacenter: 'The box does not reach the datacenter.',
      ti: 'The fault is in the TI.',
      unknown: 'The state cannot be determined right now.',
    },
    links: { box: 'Practice LAN and box', internet: 'Internet', datacenter: 'Datacenter', ti: 'Telematikinfrastruktur (TI)' },
    states: { ok: 'working', down: 'down', unknown: 'unknown' },
    reasons: {
      boxOk: 'The box is working.',
      agentDown: "The box's service does not answer.",
      noProfile: 'No VPN profile has been imported yet.',
      tunnelDisabled: 'The tunnel has been switched off by hand.',
      ipsecDown: "The box's VPN service is not running.",
      internetOk: 'The box reaches the internet.',
      wanDown: 'The box does not reach the internet (check the cable, the router or the line).',
      datacenterOk: 'The tunnel to the datacenter carries traffic.',
      tunnelNotUp: 'The tunnel to the datacenter is not up.',
      tiNotChecked: "This box does not yet check the TI's services on their own.",
      dependsOnInternet: 'Cannot be judged while the internet is not reachable.',
      dependsOnDatacenter: 'Cannot be judged while the datacenter is not reachable.',
    },
    since: (when) => `since ${when}`,
    checkedAt: (when) => `As of ${when}`,
  },
  certificate: {
    title: "This box's certificate",
    explain: "Your browser does not know the box's certificate. Compare this SHA-256 fingerprint with the one the browser shows, or with the output of `tibox status`:",
  },
  errors: {
    notFound: 'There is no such page.',
    internal: 'An internal error occurred. Please try again.',
    badOrigin: 'The request did not come from a page of this box and was refused.',
    back: 'To the start page',
  },
};
