// The decisions about a pending network change, pure so they are tested with any clock: whether a
// change goes in at once, waits for confirmation, or is refused while another waits; whether a
// pending change still runs or has expired; what its rollback commits.
// Modelled on LuCI's apply with rollback (rpcd's uci apply/confirm): the new config is applied at
// once and returns to the previous one unless confirmed before the deadline, one at a time. Unlike
// rpcd, which keeps the pending state in memory, the deadline is an absolute time in the database,
// so neither an agent restart nor a reboot keeps a change that nobody confirmed.
import type { PendingChange } from '../store/index.ts';
import { isNetworkPath } from './networkKeys.ts';

/** LuCI's default: long enough to reach the box again at a new address, short enough to wait out. */
export const DEFAULT_CONFIRM_TIMEOUT_S = 90;
/** The bounds of a deadline a caller asks for, in seconds. */
export const CONFIRM_TIMEOUT_RANGE_S = { min: 5, max: 3_600 } as const;

/** Who the audit log names for a rollback nobody asked for: the agent at the deadline, or the boot unit. */
export const DEADLINE_ACTOR = 'deadline';
export const BOOT_ACTOR = 'boot';

/** A pending change as the control API, `tibox status` and the web UI show it. */
export interface PendingSummary {
  readonly revision: number;
  readonly actor: string;
  readonly startedAt: string;
  readonly deadline: string;
  readonly paths: readonly string[];
  /** Whole seconds until the deadline, 0 once it has passed. */
  readonly remainingS: number;
}

export function summarize(change: PendingChange, now: Date): PendingSummary {
  const state = pendingState(change, now);
  const remainingS = state.kind === 'running' ? Math.ceil(state.remainingMs / 1000) : 0;
  return { revision: change.revision, actor: change.actor, startedAt: change.startedAt, deadline: change.deadline, paths: change.paths, remainingS };
}

export type Admission =
  /** No network key changes: committed and in force at once. */
  | { readonly kind: 'immediate' }
  /** A network key changes: committed, in force, and rolled back unless confirmed. */
  | { readonly kind: 'pending' }
  /** Another change is pending and this one is a network change or touches what the pending one changed. */
  | { readonly kind: 'refused'; readonly pending: PendingChange };

/**
 * How a change that alters `paths` is taken. While one change is pending a second network change
 * is refused, as rpcd refuses a second apply: two changes with their own deadlines would roll back
 * into each other. A change elsewhere goes in at once, unless it touches a field the pending change
 * altered, which the rollback would overwrite.
 */
export function admitChange(pending: PendingChange | undefined, paths: readonly string[]): Admission {
  const network = paths.some((path) => isNetworkPath(path));
  if (pending && (network || paths.some((path) => pending.paths.includes(path)))) return { kind: 'refused', pending };
  return network ? { kind: 'pending' } : { kind: 'immediate' };
}

export type PendingState =
  | { readonly kind: 'running'; readonly remainingMs: number }
  /** 'deadline': it passed; 'clock': the clock reads earlier than the change was made, so the deadline cannot be trusted. */
  | { readonly kind: 'expired'; readonly why: 'deadline' | 'clock' };

/**
 * Whether a pending change still waits. A clock that went back behind the change's start (a box
 * without a battery-backed clock, before chrony synchronised) would stretch the wait without bound;
 * such a change counts as expired, since only a confirmed change may stay.
 */
export function pendingState(change: Pick<PendingChange, 'startedAt' | 'deadline'>, now: Date): PendingState {
  const nowMs = now.getTime();
  if (nowMs < Date.parse(change.startedAt)) return { kind: 'expired', why: 'clock' };
  const remainingMs = Date.parse(change.deadline) - nowMs;
  return remainingMs > 0 ? { kind: 'running', remainingMs } : { kind: 'expired', why: 'deadline' };
}

/** The deadline of a change made at `now` that waits `timeoutS` seconds. */
export function deadlineOf(now: Date, timeoutS: number): Date {
  return new Date(now.getTime() + timeoutS * 1000);
}

/**
 * The change a rollback commits: each field the pending change altered, back to its value before.
 * Only those: a change made elsewhere in the meantime stays.
 */
export function rollbackChange(fields: readonly { readonly path: string; readonly old: unknown }[]): Record<string, unknown> {
  const change: Record<string, unknown> = {};
  for (const { path, old } of fields) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let group = change;
    for (const key of keys) group = (group[key] ??= {}) as Record<string, unknown>;
    group[last] = old;
  }
  return change;
}
