// Turning decoded values into JSON and into readable text.
import { formatHex } from '../core/addr.js';
import { flagsToString, guessFlagsContext } from '../core/header.js';
import type { DecodedMessage } from '../schema/family.js';

/** JSON-safe copy: bigint → number when exact (else string), bytes → hex, no undefined. */
export function toJsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return formatHex(v, '');
  // Copied only where something changes: a rendered dump of a million routes is plain already.
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      const y = toJsonValue(x);
      if (out === undefined && y !== x) out = v.slice(0, i);
      if (out !== undefined) out.push(y);
    }
    return out ?? v;
  }
  if (v && typeof v === 'object') {
    // an instance (a toJSON of its own, getters) always becomes a plain copy of its own fields
    const plain = Object.getPrototypeOf(v) === Object.prototype;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    let out: Record<string, unknown> | undefined = plain ? undefined : {};
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const x = o[k];
      const y = x === undefined ? undefined : toJsonValue(x);
      if (out === undefined && (y !== x || x === undefined)) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]!] = o[keys[j]!];
      }
      if (out !== undefined && y !== undefined) out[k] = y;
    }
    return out ?? v;
  }
  return v;
}

export function stringify(v: unknown, pretty = false): string {
  return JSON.stringify(toJsonValue(v), null, pretty ? 2 : undefined);
}

/** A decoded message as a plain JSON object. */
export function messageJson(m: DecodedMessage, protocol?: number): Record<string, unknown> {
  const h = m.nlmsg;
  const base: Record<string, unknown> = {
    type: m.name,
    nlmsg: { length: h.length, type: h.type, flags: flagsToString(h.flags, guessFlagsContext(h.type, h.flags)), seq: h.seq, pid: h.pid },
  };
  if (protocol !== undefined) base.protocol = protocol;
  switch (m.kind) {
    case 'error':
      return { ...base, error: m.error, request: m.request, ...(Object.keys(m.extack).length ? { extack: m.extack } : {}) };
    case 'done':
      return { ...base, error: m.error, ...(Object.keys(m.extack).length ? { extack: m.extack } : {}) };
    case 'control':
      return { ...base, payload: m.payload };
    case 'data':
      return { ...base, ...(m.header ? { header: m.header } : {}), ...(m.attrs ? { attrs: m.attrs } : {}), ...(m.payload ? { payload: m.payload } : {}) };
  }
}

/** Indented text: one line per attribute, nested sets indented. */
export function messageText(m: DecodedMessage): string {
  const h = m.nlmsg;
  const lines = [`${m.name}  len=${h.length} flags=${flagsToString(h.flags, guessFlagsContext(h.type, h.flags))} seq=${h.seq} pid=${h.pid}`];
  const put = (key: string, v: unknown, ind: string): void => {
    const j = toJsonValue(v);
    if (j && typeof j === 'object' && !Array.isArray(j)) {
      lines.push(`${ind}${key}:`);
      for (const [k, x] of Object.entries(j)) put(k, x, ind + '  ');
    } else if (Array.isArray(j) && j.some((x) => x && typeof x === 'object')) {
      lines.push(`${ind}${key}:`);
      j.forEach((x, i) => put(`[${i}]`, x, ind + '  '));
    } else lines.push(`${ind}${key}: ${JSON.stringify(j)}`);
  };
  switch (m.kind) {
    case 'error':
      lines.push(`  error: ${m.error}${m.error ? '' : ' (ACK)'}`);
      put('request', m.request, '  ');
      if (Object.keys(m.extack).length) put('extack', m.extack, '  ');
      break;
    case 'done':
      lines.push(`  status: ${m.error}`);
      if (Object.keys(m.extack).length) put('extack', m.extack, '  ');
      break;
    case 'control':
      put('payload', m.payload, '  ');
      break;
    case 'data':
      if (m.header) put('header', m.header, '  ');
      if (m.attrs) for (const [k, v] of Object.entries(m.attrs)) put(k, v, '  ');
      if (m.payload) put('payload', m.payload, '  ');
      break;
  }
  return lines.join('\n');
}

/**
 * JSON as iproute2's json_writer prints it: compact as JSON.stringify, or with -p its own layout
 * (4-space indents, `[ {` ... `},{` ... `} ]`, arrays of scalars on one line as `[ "a","b" ]`).
 */
export function ipJson(v: unknown, pretty = false): string {
  const value = toJsonValue(v);
  if (!pretty) return JSON.stringify(value);
  let out = '';
  let depth = 0;
  let sep = '';
  const eol = (): void => { out += '\n' + '    '.repeat(depth); };
  const eor = (): void => { out += sep; sep = ','; };
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) {
      eor(); out += '['; depth++; sep = ''; out += ' ';
      for (const e of x) walk(e);
      if (sep) out += ' ';
      sep = ''; depth--; out += ']'; sep = ',';
    } else if (x !== null && typeof x === 'object') {
      eor(); out += '{'; depth++; sep = '';
      for (const [k, e] of Object.entries(x)) {
        eor(); eol(); sep = '';
        out += JSON.stringify(k) + ': ';
        walk(e);
      }
      depth--;
      if (sep) eol();
      out += '}'; sep = ',';
    } else {
      eor(); out += JSON.stringify(x);
    }
  };
  walk(value);
  return out;
}
