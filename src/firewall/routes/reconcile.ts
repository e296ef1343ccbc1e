// One pass from what the kernel holds to the desired state: read, plan, diff, write. Shared by
// the subsystem and the boot loader, so both converge the same way.
import type { RouteKernel } from './kernel.ts';
import type { TiRoutesDesired } from './model.ts';
import { diffRoutes, planRoutes, type RouteOp } from './plan.ts';

export interface ReconcileResult {
  /** The writes performed, in order; empty when the kernel already matched. */
  readonly writes: readonly RouteOp[];
  /** The tunnel device this pass set up again, found down (planRoutes says why). */
  readonly linkSetUp?: string;
  /** Why the TI prefixes are unreachable although the desired path leads into the tunnel. */
  readonly fallback?: string;
}

/**
 * Converges once. A path the planner can already tell is impossible becomes unreachable routes
 * (the plan's fallback). If the kernel refuses a tunnel route anyway (say, an XFRM gateway not
 * on the WAN link), the pass is redone with unreachable routes, so no TI prefix is ever left
 * without one; only a failure of that fail-closed pass itself is thrown. Malformed desired
 * state throws from the planner before anything is written.
 */
export async function reconcileRoutes(kernel: RouteKernel, desired: TiRoutesDesired | null): Promise<ReconcileResult> {
  const writes: RouteOp[] = [];
  let linkSetUp: string | undefined;
  const pass = async (want: TiRoutesDesired | null): Promise<string | undefined> => {
    const state = await kernel.read();
    const plan = planRoutes(want, state);
    if (plan.linkUp !== undefined) {
      await kernel.setLinkUp(plan.linkUp);
      linkSetUp = plan.linkUp;
    }
    for (const op of diffRoutes(state, plan)) {
      await kernel.write(op);
      writes.push(op);
    }
    return plan.fallback;
  };
  const result = (fallback: string | undefined): ReconcileResult => ({
    writes,
    ...(linkSetUp === undefined ? {} : { linkSetUp }),
    ...(fallback === undefined ? {} : { fallback }),
  });
  if (desired === null || desired.path.kind === 'unreachable') return result(await pass(desired));
  try {
    return result(await pass(desired));
  } catch (error) {
    await pass({ prefixes: desired.prefixes, path: { kind: 'unreachable' } });
    return result(`the kernel refused the tunnel routes: ${error instanceof Error ? error.message : String(error)}`);
  }
}
