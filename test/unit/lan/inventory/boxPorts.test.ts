import { describe, expect, it } from 'vitest';
import { boxPortsOf } from '../../../../src/lan/inventory/boxPorts.ts';

const LINKS = [
  { name: 'lo' },
  { name: 'lan0', mac: '52:54:00:00:00:01' },
  { name: 'wan0', mac: '52:54:00:00:00:02' },
  { name: 'term0', mac: '52:54:00:00:00:03' },
  { name: 'br-term', mac: '52:54:00:00:00:03' },
  { name: 'ipsec0' },
  { name: 'eth9', mac: '52:54:00:00:00:09' },
];

describe('boxPortsOf', () => {
  it("names each of the box's ports with the MAC the kernel reports, and no other link", () => {
    expect(boxPortsOf(LINKS, { lan: 'lan0', wan: 'wan0', terminals: ['term0'], terminalBridge: 'br-term' })).toEqual([
      { port: 'LAN port lan0', mac: '52:54:00:00:00:01' },
      { port: 'terminal port term0', mac: '52:54:00:00:00:03' },
      { port: 'terminal bridge br-term', mac: '52:54:00:00:00:03' },
      { port: 'WAN port wan0', mac: '52:54:00:00:00:02' },
    ]);
  });

  it('leaves out a port the kernel does not list, and one without a MAC', () => {
    expect(boxPortsOf([{ name: 'lan0', mac: '52:54:00:00:00:01' }, { name: 'wan0' }], { lan: 'lan0', wan: 'wan0', terminals: ['term0'], terminalBridge: 'br-term' })).toEqual([
      { port: 'LAN port lan0', mac: '52:54:00:00:00:01' },
    ]);
  });
});
