// The provisioning file: a write is the factory step (`tibox provision --force`) with one of two
// serial numbers and passwords; the check reads the file as the agent does at start.
import { readFile, writeFile } from 'node:fs/promises';
import { provisionBox } from '../../../src/agent/provisioning/provision.ts';
import { provisioningPath, readProvisioning } from '../../../src/agent/provisioning/readProvisioning.ts';
import { CHEAP_SCRYPT } from '../agent/provisioning/fixtures.ts';
import { broken, reading, type KilledWriter, type StateName } from './writers.ts';

const SERIALS: Record<StateName, string> = { A: 'TBX-00000001', B: 'TBX-99999999' };

export const provisioningWriter: KilledWriter = {
  async open(dataDir) {
    return {
      write: async (state) =>
        void (await provisionBox({ dataDir, serial: SERIALS[state], password: `password of box ${state}`, force: true, now: new Date(), scrypt: CHEAP_SCRYPT })),
      close: async () => undefined,
    };
  },

  check: (dataDir) =>
    reading(async () => {
      const found = await readProvisioning(dataDir);
      if (found.state === 'missing') return 'none';
      if (found.state === 'unreadable') return broken(found.reason);
      const state = (['A', 'B'] as const).find((s) => SERIALS[s] === found.provisioning.serial);
      return state ?? broken(`a provisioning of neither state: ${found.provisioning.serial}`);
    }),

  async tear(dataDir) {
    // B written in place over A and killed halfway.
    const text = (await readFile(provisioningPath(dataDir), 'utf8')).replace(SERIALS.A, SERIALS.B);
    await writeFile(provisioningPath(dataDir), text.slice(0, text.length / 2));
  },
};
