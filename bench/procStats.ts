// A process's resident memory and CPU time as Linux reports them in /proc/<pid>/status and
// /proc/<pid>/stat. The parsers are pure; the readers take a pid.
import { readFileSync } from 'node:fs';

/** VmRSS in bytes. */
export function residentBytes(status: string): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error('no VmRSS line in the status text');
  return Number(match[1]) * 1024;
}

/** VmHWM in bytes: the most the process ever had resident, so a peak between two samples counts too. */
export function peakResidentBytes(status: string): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error('no VmHWM line in the status text');
  return Number(match[1]) * 1024;
}

/** utime + stime in clock ticks. The command name in parentheses may itself hold spaces and parentheses. */
export function cpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3 of stat(5), utime field 14, stime field 15.
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime)) throw new Error('stat text without utime and stime');
  return utime + stime;
}

/** CPU use over a window in percent of one core. */
export function cpuPercent(ticks: number, ticksPerSecond: number, seconds: number): number {
  return (ticks / ticksPerSecond / seconds) * 100;
}

export function readResidentBytes(pid: number): number {
  return residentBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

export function readPeakResidentBytes(pid: number): number {
  return peakResidentBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

export function readCpuTicks(pid: number): number {
  return cpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** RssAnon and RssFile in bytes: the process's own memory, and the pages of files (its binary above all) it touched. */
export function residentSplit(status: string): { anon: number; file: number } {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!match) throw new Error(`no ${name} line in the status text`);
    return Number(match[1]) * 1024;
  };
  return { anon: field('RssAnon'), file: field('RssFile') };
}

export function readResidentSplit(pid: number): { anon: number; file: number } {
  return residentSplit(readFileSync(`/proc/${pid}/status`, 'utf8'));
}
