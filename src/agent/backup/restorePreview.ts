// What restoring a backup would change, shown before anything is applied: each config field whose
// value differs, the devices the backup registers that the box does not have and those it would
// lose, and whether the backup comes from another box (a replacement box), naming both. Pure.

/** A registered device as a backup keeps it: what identifies and configures it, no ids or times. */
export interface BackupDevice {
  readonly kind: 'pvs' | 'terminal';
  readonly name: string;
  readonly address: string;
  readonly mac: string;
  readonly cetpPorts: readonly number[];
}

export interface RestorePreview {
  /** Set when the backup was made by another box: the warning names both. */
  readonly otherBox?: { readonly backup: { serial: string; name: string }; readonly thisBox: { serial: string; name: string } };
  readonly changes: readonly { readonly path: string; readonly now: unknown; readonly restored: unknown }[];
  readonly devices: { readonly added: readonly string[]; readonly removed: readonly string[]; readonly changed: readonly string[] };
}

/** Whether a device read from a backup has the form of one. */
export function isBackupDevice(value: unknown): value is BackupDevice {
  const d = value as Partial<BackupDevice> | null;
  return (
    typeof d === 'object' && d !== null && (d.kind === 'pvs' || d.kind === 'terminal') && [d.name, d.address, d.mac].every((v) => typeof v === 'string') &&
    Array.isArray(d.cetpPorts) && d.cetpPorts.every((port) => Number.isInteger(port))
  );
}

export function backupDevice(device: BackupDevice): BackupDevice {
  return { kind: device.kind, name: device.name, address: device.address, mac: device.mac, cetpPorts: [...device.cetpPorts] };
}

export function restorePreview(q: {
  current: { config: unknown; devices: readonly BackupDevice[] };
  restored: { config: unknown; devices: readonly BackupDevice[] };
  backupBox: { serial: string; name: string; signer: string };
  thisBox: { serial: string; name: string; signer: string };
}): RestorePreview {
  const now = leaves(q.current.config);
  const restored = leaves(q.restored.config);
  const paths = [...new Set([...now.keys(), ...restored.keys()])].sort();
  const changes = paths.filter((p) => JSON.stringify(now.get(p)) !== JSON.stringify(restored.get(p))).map((path) => ({ path, now: now.get(path), restored: restored.get(path) }));
  const byName = (devices: readonly BackupDevice[]) => new Map(devices.map((d) => [d.name, JSON.stringify(backupDevice(d))]));
  const [before, after] = [byName(q.current.devices), byName(q.restored.devices)];
  const devices = {
    added: [...after.keys()].filter((name) => !before.has(name)).sort(),
    removed: [...before.keys()].filter((name) => !after.has(name)).sort(),
    changed: [...after.keys()].filter((name) => before.has(name) && before.get(name) !== after.get(name)).sort(),
  };
  // The signing key decides: a box keeps its key, and a serial is only what the header says.
  const otherBox = q.backupBox.signer !== q.thisBox.signer ? { backup: { serial: q.backupBox.serial, name: q.backupBox.name }, thisBox: { serial: q.thisBox.serial, name: q.thisBox.name } } : undefined;
  return { ...(otherBox ? { otherBox } : {}), changes, devices };
}

/** A config's fields by dotted path ('wan.mode'); lists are values, not groups. */
function leaves(value: unknown, prefix = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) leaves(inner, prefix ? `${prefix}.${key}` : key, into);
  } else if (prefix) {
    into.set(prefix, value);
  }
  return into;
}
