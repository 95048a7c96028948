// Value codecs for the YNL attribute types the declaration language has no word for. They plug
// into the engine as 'custom' attributes, so decoding and encoding still go through it.
import { AttributeScanner } from '../core/attr.js';
import { NLA_F_NESTED, NLA_HDRLEN, align4 } from '../core/constants.js';
import { DecodeError } from '../core/errors.js';
import { decodeAttrs, encodeAttrs, resolveSet } from '../schema/engine.js';
import type { AttrSetRef, ValueCodec } from '../schema/types.js';

/**
 * nest-type-value: the types of nested wrappers carry values. With names ['a', 'b'], the payload
 * is attr(type=a, attr(type=b, ...attributes)), decoded as { a, b, ...attributes }.
 */
export function nestTypeValueCodec(names: readonly string[], set: AttrSetRef): ValueCodec<Record<string, unknown>> {
  const split = (value: Record<string, unknown>): { types: number[]; rest: Record<string, unknown> } => {
    const rest = { ...value };
    const types = names.map((n) => {
      const t = Number(rest[n] ?? 0);
      delete rest[n];
      return t;
    });
    return { types, rest };
  };
  return {
    name: `nest-type-value(${names.join(',')})`,
    decode(p, ctx) {
      const out: Record<string, unknown> = {};
      let start = 0, end = p.length;
      for (const n of names) {
        const s = new AttributeScanner(p, start, end);
        if (!s.next()) throw new DecodeError('attr-truncated', ctx.offset + start, `nest-type-value: no '${n}' level`);
        out[n] = s.type;
        start = s.offset;
        end = s.offset + s.length;
      }
      return Object.assign(out, decodeAttrs(resolveSet(set), p, start, end));
    },
    byteLength(value) {
      const { rest } = split(value);
      return names.length * NLA_HDRLEN + encodeAttrs(resolveSet(set), rest).byteLength();
    },
    encodeInto(value, view, offset) {
      const { types, rest } = split(value);
      const inner = encodeAttrs(resolveSet(set), rest);
      const total = names.length * NLA_HDRLEN + inner.byteLength();
      types.forEach((t, i) => {
        const at = offset + i * NLA_HDRLEN;
        view.setUint16(at, total - i * NLA_HDRLEN, true);
        view.setUint16(at + 2, t | NLA_F_NESTED, true);
      });
      return inner.encodeInto(view, offset + names.length * NLA_HDRLEN);
    },
  };
}

/** indexed-array of binary items: nested attributes typed 0, 1, ... each holding bytes. */
export const binaryArrayCodec: ValueCodec<Uint8Array[]> = {
  name: 'indexed-array(binary)',
  decode(p, ctx) {
    const out: Uint8Array[] = [];
    const s = new AttributeScanner(p);
    while (s.next()) out.push(s.bytesCopy());
    if (s.err) throw new DecodeError(s.err.reason, ctx.offset + s.err.offset, s.err.message);
    return out;
  },
  byteLength(value) {
    return value.reduce((n, b) => n + align4(NLA_HDRLEN + b.length), 0);
  },
  encodeInto(value, view, offset) {
    let off = offset;
    value.forEach((b, i) => {
      view.setUint16(off, NLA_HDRLEN + b.length, true);
      view.setUint16(off + 2, i, true);
      new Uint8Array(view.buffer, view.byteOffset + off + NLA_HDRLEN, b.length).set(b);
      const end = off + NLA_HDRLEN + b.length;
      off = align4(end);
      for (let q = end; q < off; q++) view.setUint8(q, 0);
    });
    return off;
  },
};

/**
 * indexed-array of nests, decoded as the kernel's CLI shows it: one { index: attributes } per
 * item, since the index (the nested attribute's type) can carry meaning (nlctrl numbers from 1).
 * Items given without an index are numbered from 0 on encode.
 */
export function indexedNestCodec(set: AttrSetRef): ValueCodec<Array<Record<string, Record<string, unknown>>>> {
  const items = (value: ReadonlyArray<Record<string, unknown>>): Array<[number, Record<string, unknown>]> =>
    value.map((item, i) => {
      const keys = Object.keys(item);
      if (keys.length === 1 && /^\d+$/.test(keys[0]!) && typeof item[keys[0]!] === 'object') return [Number(keys[0]), item[keys[0]!] as Record<string, unknown>];
      return [i, item];
    });
  return {
    name: 'indexed-array(nest)',
    decode(p, ctx) {
      const out: Array<Record<string, Record<string, unknown>>> = [];
      const s = new AttributeScanner(p);
      while (s.next()) out.push({ [s.type]: decodeAttrs(resolveSet(set), p, s.offset, s.offset + s.length) });
      if (s.err) throw new DecodeError(s.err.reason, ctx.offset + s.err.offset, s.err.message);
      return out;
    },
    byteLength(value) {
      return items(value).reduce((n, [, attrs]) => n + NLA_HDRLEN + encodeAttrs(resolveSet(set), attrs).byteLength(), 0);
    },
    encodeInto(value, view, offset) {
      let off = offset;
      for (const [index, attrs] of items(value)) {
        const inner = encodeAttrs(resolveSet(set), attrs);
        view.setUint16(off, NLA_HDRLEN + inner.byteLength(), true);
        view.setUint16(off + 2, index | NLA_F_NESTED, true);
        off = inner.encodeInto(view, off + NLA_HDRLEN);
      }
      return off;
    },
  };
}
