// `tibox devices neighbours|terminals`: what the box has seen on its LAN and terminal ports, and
// the card terminals among them that are not registered yet (found by their DHCP request to the
// box or by an open SICCT port 4742).
import type { NeighbourEntry, TerminalCandidate } from '../../lan/inventory/index.ts';
import { EXIT_OK, JSON_OPTION, type Command } from './command.ts';
import { formatCandidates, formatNeighbours } from './formatDevices.ts';

export const devicesNeighboursCommand: Command = {
  words: ['devices', 'neighbours'],
  synopsis: '[--json]',
  summary: 'List the hosts seen on the LAN and terminal ports',
  options: JSON_OPTION,
  maxPositionals: 0,
  example: ['devices', 'neighbours'],
  async run({ io, values, client }) {
    const entries = (await client().action('devices.neighbours')) as NeighbourEntry[];
    io.stdout(values.json ? JSON.stringify(entries, null, 2) + '\n' : formatNeighbours(entries, io.now()));
    return EXIT_OK;
  },
};

export const devicesTerminalsCommand: Command = {
  words: ['devices', 'terminals'],
  synopsis: '[--json]',
  summary: 'List card terminals found but not registered yet',
  options: JSON_OPTION,
  maxPositionals: 0,
  example: ['devices', 'terminals'],
  async run({ io, values, client }) {
    const candidates = (await client().action('devices.terminals')) as TerminalCandidate[];
    io.stdout(values.json ? JSON.stringify(candidates, null, 2) + '\n' : formatCandidates(candidates, io.now()));
    return EXIT_OK;
  },
};
