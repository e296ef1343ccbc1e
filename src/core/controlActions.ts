// The registry of named actions the control API offers. Subsystems register what a caller may
// ask of the agent ('tunnel.up', 'profile.import', ...); a caller names an action and passes JSON
// arguments, never a command. Each name is registered once.
import { TiboxError } from './errors.ts';

export interface ActionContext {
  /** Who asked, for the audit log. */
  actor: string;
}

/**
 * Receives the parsed JSON arguments (validating them is the handler's job) and returns a
 * JSON-serialisable result, or undefined for none. A TiboxError it throws reaches the caller
 * with its own code and status; any other throw is reported as TIBOX_ACTION_FAILED.
 */
export type ActionHandler = (args: unknown, context: ActionContext) => unknown;

const NAME = /^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/;

export class ControlActions {
  private readonly handlers = new Map<string, ActionHandler>();

  /** Names are dotted lower camel case: 'tunnel.up', 'profile.import'. */
  register(name: string, handler: ActionHandler): void {
    if (!NAME.test(name)) throw new Error(`invalid action name "${name}"`);
    if (this.handlers.has(name)) throw new Error(`action "${name}" is already registered`);
    this.handlers.set(name, handler);
  }

  names(): string[] {
    return [...this.handlers.keys()].sort();
  }

  async run(name: string, args: unknown, context: ActionContext): Promise<unknown> {
    const handler = this.handlers.get(name);
    if (!handler) throw new TiboxError('TIBOX_UNKNOWN_ACTION', { action: name });
    return await handler(args, context);
  }
}

/** The `limit` argument of the actions that list history: 1 to 1000 rows, `fallback` when absent. */
export function limitArgument(args: unknown, fallback: number): number {
  const limit = typeof args === 'object' && args !== null ? (args as { limit?: unknown }).limit : undefined;
  if (limit === undefined) return fallback;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new TiboxError('TIBOX_BAD_REQUEST', { reason: 'limit must be a whole number from 1 to 1000' });
  }
  return limit;
}
