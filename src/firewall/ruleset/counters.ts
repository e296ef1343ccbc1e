// Named counters and the values they carry over a reload. Loading the table replaces it whole, and
// with it every counter: so that a device change does not wipe what the counters say about the
// past ("why was this device blocked"), the firewall reads the kernel's counters right before each
// load and the new table declares each counter that still exists with the value it had. A
// device's counters also say since when they count: the time they were first created, kept in
// their comment across reloads. Counters loaded by the boot unit carry no time: they count since
// the box started.

/** A named counter as the kernel held it. */
export interface CounterValue {
  readonly packets: number;
  readonly bytes: number;
  /** ISO time the counter was created; absent for one loaded at boot. */
  readonly since?: string;
}

/** What a reload carries over: the kernel's counters by name, and the time for counters that are new. */
export interface CarriedCounters {
  readonly values: ReadonlyMap<string, CounterValue>;
  /** ISO time. */
  readonly now: string;
}

const SINCE = /, since (\S+)$/;

/** The comment's why for a counter that says since when it counts. */
export function withSince(why: string, since: string | undefined): string {
  return since === undefined ? why : `${why}, since ${since}`;
}

/** Since when a counter counts, from its comment; undefined for one loaded at boot. */
export function sinceOf(comment: string | undefined): string | undefined {
  return comment === undefined ? undefined : SINCE.exec(comment)?.[1];
}

/** ` packets N bytes M` for a carried value, nothing for a counter that starts at zero. */
export function initialValue(value: CounterValue | undefined): string {
  return value === undefined || (value.packets === 0 && value.bytes === 0) ? '' : ` packets ${value.packets} bytes ${value.bytes}`;
}
