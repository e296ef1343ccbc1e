// The port between the routes subsystem and the kernel. The netlink adapter implements it on
// the box; tests hand the subsystem a fake that prints its state as text.
import type { RouteEntry, RuleEntry } from './model.ts';
import type { KernelFacts, RouteOp } from './plan.ts';

export interface RouteKernelState extends KernelFacts {
  /** Every IPv4 rule at a tibox priority (others may be left out). */
  readonly rules: readonly RuleEntry[];
  /** Every IPv4 route in the TI table (others may be left out). */
  readonly routes: readonly RouteEntry[];
}

export interface RouteKernel {
  /** Reads the owned rules and routes and the planner's facts; never writes. */
  read(): Promise<RouteKernelState>;
  /** One write; `add` fails if the object exists, `replace` and `delete` if it does not. */
  write(op: RouteOp): Promise<void>;
  /** Sets an existing link administratively up, as `ip link set <name> up`; fails if there is none. */
  setLinkUp(name: string): Promise<void>;
  /**
   * Calls onChange after any link, IPv4 address, IPv4 route or IPv4 rule change in the kernel,
   * and after a lost notification (so the caller re-reads). Returns the unsubscribe.
   */
  watch(onChange: () => void): () => void;
}
