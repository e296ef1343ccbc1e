// Reads the provisioning file from the data directory as the agent and the factory step see it:
// provisioned (its data), missing, or unreadable with the reason in words. Never throws: a file
// that cannot be read is a state to report, not a reason to stop.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_PROVISIONING_BYTES, parseProvisioning, PROVISIONING_FILE, type Provisioning } from './provisioningFile.ts';

export type ProvisioningState =
  | { readonly state: 'provisioned'; readonly provisioning: Provisioning }
  | { readonly state: 'missing' }
  | { readonly state: 'unreadable'; readonly reason: string };

export function provisioningPath(dataDir: string): string {
  return join(dataDir, PROVISIONING_FILE);
}

export async function readProvisioning(dataDir: string): Promise<ProvisioningState> {
  const path = provisioningPath(dataDir);
  let text: string;
  try {
    const handle = await open(path);
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) return { state: 'unreadable', reason: `${path} is not a regular file` };
      if (stats.size > MAX_PROVISIONING_BYTES) return { state: 'unreadable', reason: `${path} has ${stats.size} bytes, far more than provisioning data` };
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    return { state: 'unreadable', reason: `${path} cannot be read: ${(error as Error).message}` };
  }
  const parsed = parseProvisioning(text);
  return parsed.ok ? { state: 'provisioned', provisioning: parsed.provisioning } : { state: 'unreadable', reason: `${path}: ${parsed.reason}` };
}
