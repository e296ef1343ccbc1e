// Where each terminal's reachability transitions outlive the agent, so support sees when a
// terminal dropped off and came back, also across restarts. The composition root hands over an
// implementation on the agent's database.
import type { Transition } from './reachability.ts';

export interface ReachabilityRepository {
  /** Keeps the transition; the oldest over all terminals go once the log is full, so it cannot fill the data partition. */
  record(deviceId: number, transition: Transition): void;
  /** The terminal's transitions, newest first. */
  recent(deviceId: number, limit: number): Transition[];
}
