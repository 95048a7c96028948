// How nlwire results serialise: 64-bit integers are bigint in decoded objects (exact); in JSON
// they become numbers when they are safe integers (|x| <= 2^53 - 1) and decimal strings beyond
// (the all-ones "infinite" limits of xfrm, for instance), so JSON.stringify never throws on a
// result and never loses a digit. Byte strings (Uint8Array) become lowercase hex.
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** A JSON-ready deep copy of a decoded value (bigint and Uint8Array converted as above). */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value <= MAX && value >= -MAX ? Number(value) : value.toString();
  if (value instanceof Uint8Array) {
    let s = '';
    for (let i = 0; i < value.length; i++) s += (value[i]! < 16 ? '0' : '') + value[i]!.toString(16);
    return s;
  }
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = jsonSafe(v);
    }
    return out;
  }
  return value;
}
