// The lab's DDI server on loopback for unit tests of the client: certificates from a fresh lab
// CA (and a foreign one), the box's client certificate, and an admin client on a unix socket.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { processRunner } from '../../../../src/core/runner.ts';
import { createLabPki } from '../../../lab/pki.ts';
import { LabDdiServer } from '../../../lab/ddi/server.ts';
import { LabDdiAdmin, serveAdmin } from '../../../lab/ddi/admin.ts';
import { controllerBaseUrl, type DdiTls } from '../../../../src/updater/ddi/index.ts';

export const MGMT_NAME = 'mgmt.dc.tibox.test';
export const CONTROLLER_ID = 'box-0001.boxes.tibox.test';

export interface LoopbackDdi {
  dir: string;
  server: LabDdiServer;
  admin: LabDdiAdmin;
  /** The box's identity and the management CA, as the client takes them. */
  tls: DdiTls;
  /** A second box's identity: a client certificate of the lab CA with another CN. */
  otherTls: DdiTls;
  base: string;
  close(): Promise<void>;
}

export async function startLoopbackDdi(): Promise<LoopbackDdi> {
  const dir = mkdtempSync(join(tmpdir(), 'tibox-ddi-'));
  const pki = await createLabPki(processRunner, join(dir, 'pki'));
  const foreignPki = await createLabPki(processRunner, join(dir, 'foreign'));
  const mgmt = await pki.issue('mgmt', [`DNS:${MGMT_NAME}`], 'server');
  const foreign = await foreignPki.issue('mgmt', [`DNS:${MGMT_NAME}`], 'server');
  const box = await pki.issue('box', [`DNS:${CONTROLLER_ID}`], 'client');
  const other = await pki.issue('other', ['DNS:box-0002.boxes.tibox.test'], 'client');
  const read = (path: string) => readFileSync(path);
  const server = new LabDdiServer({
    origin: `https://${MGMT_NAME}`,
    ca: read(pki.ca.cert),
    identity: { cert: read(mgmt.cert), key: read(mgmt.key) },
    foreignIdentity: { cert: read(foreign.cert), key: read(foreign.key) },
  });
  await server.listen(0, '127.0.0.1');
  server.origin = `https://${MGMT_NAME}:${server.port}`;
  const adminSocket = join(dir, 'admin.sock');
  const adminServer: Server = await serveAdmin(server, adminSocket);
  return {
    dir,
    server,
    admin: new LabDdiAdmin(adminSocket),
    tls: { cert: read(box.cert), key: read(box.key), ca: read(pki.ca.cert) },
    otherTls: { cert: read(other.cert), key: read(other.key), ca: read(pki.ca.cert) },
    base: controllerBaseUrl(server.origin, 'DEFAULT', CONTROLLER_ID),
    async close() {
      adminServer.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
