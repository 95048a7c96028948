// Shared by the oracle tests: external tools that must be present, and nlwire's decoded values
// looked up by kernel numbers (attribute id, struct byte offset) rather than by declared TS names,
// so the comparison with tshark/strace is about values, not naming.
import { spawnSync } from 'node:child_process';
import type { DecodedMessage } from '../../src/schema/family.js';
import { fieldSize } from '../../src/schema/define.js';

/** Throws (the test fails) when `tool` cannot run: oracle tests never pass without their oracle. */
export function requireTool(tool: string, pkg: string): void {
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`${tool} is required for this oracle test and is not available (${r.error?.message ?? `exit ${r.status}`}): ` +
      `install ${pkg}: apt-get install ${pkg}`);
  }
}

/** The decoded value of the top-level attribute with kernel type `id` (undefined when absent or undeclared). */
export function attrById(m: DecodedMessage, id: number): unknown {
  if (m.kind !== 'data' || !m.def?.attrs || !m.attrs) return undefined;
  for (const [key, def] of Object.entries(m.def.attrs.attrs)) if (def.id === id) return m.attrs[key];
  return undefined;
}

/** True when the message's declaration knows attribute `id` (so undefined means "not in the message"). */
export function declaresAttr(m: DecodedMessage, id: number): boolean {
  return m.kind === 'data' && !!m.def?.attrs && Object.values(m.def.attrs.attrs).some((d) => d.id === id);
}

/** The decoded fixed-header field that starts at byte `offset` of the family header. */
export function fieldAt(m: DecodedMessage, offset: number): unknown {
  if (m.kind !== 'data' || !m.def?.header || !m.header) return undefined;
  let p = 0;
  for (const f of m.def.header.fields) {
    if (p === offset && f.type !== 'pad') return m.header[f.name];
    p += fieldSize(f);
  }
  return undefined;
}

/** Values of one attribute as a list (multi attributes are arrays already). */
export function asList(v: unknown): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
