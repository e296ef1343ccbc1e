// Test helper: a message as nested arrays, so toEqual checks key order and tells a string from
// bytes (vitest compares Maps without regard to order).
import { isList, isSection, type ViciMessage, type ViciScalar } from '../../../../src/ipsec/vici/message.ts';

export type Tree = [string, string | { hex: string } | (string | { hex: string })[] | Tree][];

function scalar(v: ViciScalar): string | { hex: string } {
  return typeof v === 'string' ? v : { hex: Buffer.from(v).toString('hex') };
}

export function tree(message: ViciMessage): Tree {
  return [...message].map(([k, v]): Tree[number] => [k, isSection(v) ? tree(v) : isList(v) ? v.map(scalar) : scalar(v)]);
}
