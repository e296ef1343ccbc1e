// A small typed event bus. Events are declared once in a map type (AgentEvents); listeners are
// registered under an owner so a subsystem's stop() removes all of its own listeners at once.
// A throwing listener is reported to the error handler and never stops the others.

export type Listener<P> = (payload: P) => void;

export class EventBus<Events extends object> {
  private readonly listeners = new Map<keyof Events, Map<object, Set<Listener<never>>>>();
  private readonly onListenerError: (event: keyof Events, error: unknown) => void;

  constructor(onListenerError: (event: keyof Events, error: unknown) => void) {
    this.onListenerError = onListenerError;
  }

  on<K extends keyof Events>(owner: object, event: K, listener: Listener<Events[K]>): void {
    let byOwner = this.listeners.get(event);
    if (!byOwner) this.listeners.set(event, (byOwner = new Map()));
    let set = byOwner.get(owner);
    if (!set) byOwner.set(owner, (set = new Set()));
    set.add(listener as Listener<never>);
  }

  /** Removes every listener the owner registered, on every event. */
  off(owner: object): void {
    for (const byOwner of this.listeners.values()) byOwner.delete(owner);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const byOwner = this.listeners.get(event);
    if (!byOwner) return;
    for (const set of [...byOwner.values()]) {
      for (const listener of [...set]) {
        try {
          (listener as Listener<Events[K]>)(payload);
        } catch (error) {
          this.onListenerError(event, error);
        }
      }
    }
  }
}
