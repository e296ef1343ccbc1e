// The WAN after a reboot, before the agent: the boot unit puts back what the record names
// (`<stateDir>/wan.json`, the WAN subsystem keeps it): the port up, its address (a DHCP lease only
// while it lasts, with the time it has left) and the default route, and the resolvers' file. So the
// agent's tunnel resume, first thing, finds its way to the gateways before the DHCP client has
// asked anyone. The boot only adds; a record it cannot read, a missing port or a write the kernel
// refuses is logged and the boot goes on: the agent converges on its own plan moments later.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readStateFile, writeFileAtomic, type Logger } from '../core/index.ts';
import { wanOpText, type WanKernel } from './kernel.ts';
import { parseOwned, planWan, type WanTarget } from './plan.ts';
import { renderResolvConf } from './resolvConf.ts';
import { WAN_STATE_FILE } from './wan.ts';

/** Puts back the WAN the record names; returns the writes made, as `ip` commands. Never throws. */
export async function restoreBootWan(stateDir: string, resolvConf: string, kernel: Pick<WanKernel, 'read' | 'write'>, log: Logger, now = new Date()): Promise<string[]> {
  const path = join(stateDir, WAN_STATE_FILE);
  const writes: string[] = [];
  try {
    const text = await readStateFile(path);
    const owned = text === undefined ? undefined : parseOwned(text);
    if (!owned) {
      log.info({ path, unreadable: text !== undefined }, 'no usable record of the WAN: the agent sets it up');
      return writes;
    }
    const nowMs = now.getTime();
    const lasts = owned.endsAt === undefined || owned.endsAt > nowMs;
    const target: WanTarget = {
      proto: owned.proto ?? 'dhcp',
      ...(owned.address && lasts ? { address: owned.address } : {}),
      ...(owned.gateway && lasts ? { gateway: owned.gateway } : {}),
      ...(owned.endsAt === undefined ? {} : { endsAt: owned.endsAt }),
      resolvers: owned.resolvers ?? [],
    };
    if (target.resolvers.length > 0) {
      await mkdir(dirname(resolvConf), { recursive: true });
      await writeFileAtomic(resolvConf, renderResolvConf(target.resolvers), { mode: 0o644 });
    }
    const state = await kernel.read(owned.dev);
    if (!state.link) {
      log.warn({ port: owned.dev }, 'WAN port missing at boot: nothing restored');
      return writes;
    }
    // Planned as owning nothing: the boot never deletes.
    const { ops } = planWan(owned.dev, target, state, undefined, nowMs);
    for (const op of ops.filter((o) => o.op !== 'deleteDefaultRoute')) {
      await kernel.write(op);
      writes.push(wanOpText(op));
    }
    log.info({ writes, leaseEnded: !lasts }, 'WAN restored');
  } catch (error) {
    log.error({ err: error, path, writes }, 'WAN not restored: the agent sets it up');
  }
  return writes;
}
