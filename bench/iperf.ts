// Reads the throughput from `iperf3 --json` as the receiver counted it (the omitted first
// seconds left out), in Mbit/s.

export function receivedMbits(json: string): number {
  const report = JSON.parse(json) as { error?: string; end?: { sum_received?: { bits_per_second?: number } } };
  if (report.error) throw new Error(`iperf3: ${report.error}`);
  const bits = report.end?.sum_received?.bits_per_second;
  if (typeof bits !== 'number') throw new Error('iperf3 reported no received throughput');
  return Math.round(bits / 1e5) / 10;
}
