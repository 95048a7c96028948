// Maps an extended-ACK offset back to the attribute path of the request (as ynl.py does), and a
// missing attribute type back to its declared name.
import { AttributeScanner } from '../core/attr.js';
import { NLMSG_HDRLEN } from '../core/constants.js';
import type { AttrLocation, ExtendedAck } from '../core/errors.js';
import { resolveSet } from '../schema/engine.js';
import { subMessageFormat } from '../schema/define.js';
import type { CompiledFamily } from '../schema/family.js';
import type { AttrDef, AttrSet } from '../schema/types.js';

function findDef(set: AttrSet | undefined, type: number): [string, AttrDef] | undefined {
  if (!set) return undefined;
  for (const [k, d] of Object.entries(set.attrs)) if (d.id === type) return [k, d];
  return undefined;
}

/** The set that describes the payload of `def`, given the sibling attributes' raw bytes. */
function innerSet(def: AttrDef, siblings: Map<number, Uint8Array>, set: AttrSet): AttrSet | undefined {
  if (def.type === 'nest') return resolveSet(def.set);
  if (def.type === 'indexed-array' && typeof def.item !== 'string') return undefined;
  if (def.type === 'sub-message') {
    const sel = findKey(set, def.selector);
    const raw = sel !== undefined ? siblings.get(sel) : undefined;
    if (!raw) return undefined;
    let end = raw.indexOf(0);
    if (end < 0) end = raw.length;
    const name = new TextDecoder().decode(raw.subarray(0, end));
    const fmt = subMessageFormat(def, name);
    return fmt && !('kind' in fmt && fmt.kind === 'struct') ? resolveSet(fmt as AttrSet) : undefined;
  }
  return undefined;
}

function findKey(set: AttrSet, key: string): number | undefined {
  return (set.attrs as Record<string, AttrDef>)[key]?.id;
}

export function locateAttribute(ack: ExtendedAck, request: Uint8Array, cf: CompiledFamily | undefined): ExtendedAck {
  const out: ExtendedAck = { ...ack };
  const type = request.length >= 6 ? request[4]! | (request[5]! << 8) : -1;
  const def = cf?.byType.get(type);
  const headerSize = def?.header?.size ?? (cf ? cf.headerSizes[type] ?? 0xff : 0xff);
  if (headerSize === 0xff) return out;
  const start = NLMSG_HDRLEN + headerSize;
  const len = Math.min(request.length, request[0]! | (request[1]! << 8) | (request[2]! << 16) | (request[3]! << 24));

  if (ack.offset !== undefined) {
    const types: number[] = [];
    const path: string[] = [];
    let set: AttrSet | undefined = def?.attrs;
    let s = new AttributeScanner(request, start, len);
    let named = true;
    search: for (;;) {
      const siblings = new Map<number, Uint8Array>();
      while (s.next()) {
        siblings.set(s.type, s.bytesView());
        const end = s.offset + s.length;
        if (ack.offset < s.headerOffset || ack.offset >= end) continue;
        types.push(s.type);
        const d = findDef(set, s.type);
        if (d) path.push(d[0]); else named = false;
        if (ack.offset === s.headerOffset || ack.offset === s.offset) break search;
        // The offset points inside this attribute: descend.
        const inner: AttrSet | undefined = d && set ? innerSet(d[1], siblings, set) : undefined;
        const skip = d && d[1].type === 'nest' && d[1].header ? d[1].header.size : 0;
        set = inner;
        s = new AttributeScanner(request, s.offset + skip, end);
        continue search;
      }
      break;
    }
    if (types.length) {
      const loc: AttrLocation = { offset: ack.offset, types };
      if (named && path.length === types.length) loc.path = path;
      out.attribute = loc;
    }
  }

  if (ack.missingType !== undefined) {
    let set: AttrSet | undefined = def?.attrs;
    if (ack.missingNest !== undefined) {
      const loc = locateAttribute({ offset: ack.missingNest }, request, cf).attribute;
      set = undefined;
      if (loc?.path && def?.attrs) {
        let cur: AttrSet | undefined = def.attrs;
        for (const key of loc.path) {
          const d: AttrDef | undefined = cur ? (cur.attrs as Record<string, AttrDef>)[key] : undefined;
          cur = d && d.type === 'nest' ? resolveSet(d.set) : undefined;
        }
        set = cur;
      }
    }
    const d = findDef(set, ack.missingType);
    if (d) out.missingAttribute = d[0];
  }
  return out;
}
