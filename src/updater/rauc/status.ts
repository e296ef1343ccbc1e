// RAUC's slot status (`rauc status --detailed --output-format=json`) read into our own shape:
// the booted slot, the one the bootloader starts next, and per slot its health and the version
// of the bundle in it. Read strictly: a field of the wrong type is an error that names it.

export interface SlotStatus {
  /** RAUC's slot name, e.g. 'rootfs.0'. */
  readonly name: string;
  readonly bootname: string | undefined;
  /** 'booted', 'active' or 'inactive'. */
  readonly state: string;
  /** 'good' or 'bad', as the bootloader says. */
  readonly bootStatus: string | undefined;
  /** The version of the bundle installed into the slot, where RAUC installed one. */
  readonly version: string | undefined;
  readonly installedAt: string | undefined;
}

export interface RaucStatus {
  readonly compatible: string;
  /** The bootname of the running slot. */
  readonly booted: string;
  /** The slot the bootloader starts next. */
  readonly bootPrimary: string | undefined;
  /** In RAUC's slot order, sorted by name. */
  readonly slots: readonly SlotStatus[];
}

export class RaucStatusError extends Error {
  constructor(message: string) {
    super(`rauc status: ${message}`);
    this.name = 'RaucStatusError';
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new RaucStatusError(`${where}${key} is not a string`);
  return v;
}

function optionalText(o: Json | undefined, key: string, where: string): string | undefined {
  const v = o?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new RaucStatusError(`${where}${key} is not a string`);
  return v;
}

export function parseRaucStatus(json: string): RaucStatus {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (error) {
    throw new RaucStatusError(`not JSON (${(error as Error).message})`);
  }
  if (!isObject(doc)) throw new RaucStatusError('not a JSON object');
  if (!Array.isArray(doc.slots)) throw new RaucStatusError('slots is not a list');
  const slots = doc.slots.map((entry: unknown, i): SlotStatus => {
    const names = isObject(entry) ? Object.keys(entry) : [];
    const [name] = names;
    const slot = name === undefined ? undefined : (entry as Json)[name];
    if (names.length !== 1 || name === undefined || !isObject(slot)) throw new RaucStatusError(`slots[${i}] is not one named slot`);
    const where = `slot ${name}: `;
    const detail = isObject(slot.slot_status) ? slot.slot_status : undefined;
    const bundle = isObject(detail?.bundle) ? detail.bundle : undefined;
    const installed = isObject(detail?.installed) ? detail.installed : undefined;
    return {
      name,
      bootname: optionalText(slot, 'bootname', where),
      state: text(slot, 'state', where),
      bootStatus: optionalText(slot, 'boot_status', where),
      version: optionalText(bundle, 'version', where),
      installedAt: optionalText(installed, 'timestamp', where),
    };
  });
  return {
    compatible: text(doc, 'compatible', ''),
    booted: text(doc, 'booted', ''),
    bootPrimary: optionalText(doc, 'boot_primary', ''),
    slots: slots.sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** The slot an install writes to: the one of the booted slot's class that is not booted. */
export function otherSlot(status: RaucStatus): SlotStatus | undefined {
  return status.slots.find((s) => s.state !== 'booted' && s.bootname !== undefined && s.bootname !== status.booted);
}

/** The slot running now. */
export function bootedSlot(status: RaucStatus): SlotStatus | undefined {
  return status.slots.find((s) => s.bootname === status.booted);
}
