// Reads chrony's `chronyc -c tracking` line (CSV, the fields of `chronyc tracking` in order):
// reference ID, reference name, stratum, reference time, system time offset, last offset, RMS
// offset, frequency, residual frequency, skew, root delay, root dispersion, update interval,
// leap status. Only the leap status says whether the clock is synchronised ("Not synchronised"
// until chrony has a source); the system time field is how far the clock is from NTP time, in
// seconds, negative when the clock is ahead.

export interface Tracking {
  readonly synchronised: boolean;
  /** Seconds the system clock is behind NTP time (negative: ahead). */
  readonly offsetS: number;
  /** The source the clock follows, as chrony names it. */
  readonly reference: string;
}

const FIELDS = 14;

export function parseTracking(line: string): Tracking {
  const fields = line.trim().split(',');
  if (fields.length !== FIELDS) throw new Error(`chronyc tracking: expected ${FIELDS} fields, got ${fields.length}`);
  const offsetS = Number(fields[4]);
  if (!Number.isFinite(offsetS)) throw new Error(`chronyc tracking: system time "${fields[4]}" is not a number`);
  const leap = fields[13] as string;
  if (!['Normal', 'Insert second', 'Delete second', 'Not synchronised'].includes(leap)) throw new Error(`chronyc tracking: unknown leap status "${leap}"`);
  return { synchronised: leap !== 'Not synchronised', offsetS, reference: fields[1] as string };
}
