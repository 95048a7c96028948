// NETLINK_CRYPTO (crypto_user): the kernel's crypto algorithms, as /proc/crypto lists them.
// CRYPTO_MSG_GETALG dumps them all or gets one by name/driver; each answer is a crypto_user_alg
// header then CRYPTOCFGA_* attributes, one crypto_report_* struct for the algorithm's type.
// UAPI: linux/cryptouser.h. Needs the crypto_user module; only the initial network namespace
// has the protocol, and the kernel's socket answers CAP_NET_ADMIN holders only.
import { Protocol } from '../../core/constants.js';
import { DecodeError } from '../../core/errors.js';
import { dataView } from '../../core/header.js';
import { Concat, RawBytes } from '../../core/attr.js';
import { MessageBuilder } from '../../core/message.js';
import { attrSet, defineStruct } from '../../schema/define.js';
import { defineMessage, type DecodedMessage, type MessageFamily } from '../../schema/family.js';
import type { ValueCodec } from '../../schema/types.js';
import { registerFamily } from '../../schema/registry.js';
import { withSocket, type FamilyCallOptions } from '../diag/shared.js';

/** crypto_user message types (CRYPTO_MSG_*, linux/cryptouser.h). */
export const CRYPTO_MSG = { NEWALG: 0x10, DELALG: 0x11, UPDATEALG: 0x12, GETALG: 0x13, DELRNG: 0x14, GETSTAT: 0x15 } as const;
/** CRYPTO_MAX_NAME: the size of every name field. */
const NAME = 64;

/** struct crypto_user_alg: the three names are NUL-padded char[64]. */
export const cryptoUserAlg = defineStruct('crypto_user_alg', [
  { name: 'name', type: 'binary', len: NAME },
  { name: 'driverName', type: 'binary', len: NAME },
  { name: 'moduleName', type: 'binary', len: NAME },
  { name: 'type', type: 'u32' },
  { name: 'mask', type: 'u32' },
  { name: 'refcnt', type: 'u32' },
  { name: 'flags', type: 'u32' },
]);

/** CRYPTO_ALG_* flags that /proc/crypto shows. */
export const CRYPTO_ALG = { ASYNC: 0x80, TESTED: 0x400, INTERNAL: 0x2000 } as const;

type ReportField = readonly [name: string, kind: 'name' | 'u32'];
/** A crypto_report_* struct: char[64] names and unsigned ints, decoded to an object. */
function report(struct: string, fields: readonly ReportField[]): ValueCodec<Record<string, string | number>> {
  const size = fields.reduce((n, [, k]) => n + (k === 'name' ? NAME : 4), 0);
  return {
    name: struct,
    decode(p, ctx) {
      if (p.length < size) throw new DecodeError('attr-bad-size', ctx.offset, `${struct}: ${p.length} of ${size} bytes`);
      const v = dataView(p);
      const out: Record<string, string | number> = {};
      let off = 0;
      for (const [name, kind] of fields) {
        if (kind === 'name') { out[name] = cString(p.subarray(off, off + NAME)); off += NAME; } else { out[name] = v.getUint32(off, true); off += 4; }
      }
      return out;
    },
    byteLength: () => size,
    encodeInto(value, view, offset) {
      for (const [name, kind] of fields) {
        if (kind === 'name') {
          const bytes = new TextEncoder().encode(String(value[name] ?? '')).subarray(0, NAME - 1);
          new Uint8Array(view.buffer, view.byteOffset + offset, NAME).fill(0).set(bytes);
          offset += NAME;
        } else { view.setUint32(offset, Number(value[name] ?? 0), true); offset += 4; }
      }
      return offset;
    },
  };
}

const t: ReportField = ['type', 'name'];
/** CRYPTOCFGA_*: the priority, then one report per algorithm type (stats are not decoded). */
export const cryptoAttrs = attrSet('crypto', {
  priority: { id: 1, type: 'u32' },
  larval: { id: 2, type: 'custom', codec: report('crypto_report_larval', [t]) },
  hash: { id: 3, type: 'custom', codec: report('crypto_report_hash', [t, ['blocksize', 'u32'], ['digestsize', 'u32']]) },
  blkcipher: {
    id: 4, type: 'custom',
    codec: report('crypto_report_blkcipher', [t, ['geniv', 'name'], ['blocksize', 'u32'], ['minKeysize', 'u32'], ['maxKeysize', 'u32'], ['ivsize', 'u32']]),
  },
  aead: { id: 5, type: 'custom', codec: report('crypto_report_aead', [t, ['geniv', 'name'], ['blocksize', 'u32'], ['maxauthsize', 'u32'], ['ivsize', 'u32']]) },
  compress: { id: 6, type: 'custom', codec: report('crypto_report_comp', [t]) },
  rng: { id: 7, type: 'custom', codec: report('crypto_report_rng', [t, ['seedsize', 'u32']]) },
  cipher: { id: 8, type: 'custom', codec: report('crypto_report_cipher', [t, ['blocksize', 'u32'], ['minKeysize', 'u32'], ['maxKeysize', 'u32']]) },
  akcipher: { id: 9, type: 'custom', codec: report('crypto_report_akcipher', [t]) },
  kpp: { id: 10, type: 'custom', codec: report('crypto_report_kpp', [t]) },
  acomp: { id: 11, type: 'custom', codec: report('crypto_report_acomp', [t]) },
});
const REPORTS = ['larval', 'hash', 'blkcipher', 'aead', 'compress', 'rng', 'cipher', 'akcipher', 'kpp', 'acomp'] as const;

/** Every declared crypto_user message, by name (typed: use them with buildMessage). */
export const cryptoMessages = {
  NEWALG: defineMessage({ name: 'CRYPTO_MSG_NEWALG', type: CRYPTO_MSG.NEWALG, header: cryptoUserAlg, attrs: cryptoAttrs, object: 'alg', action: 'new' }),
  DELALG: defineMessage({ name: 'CRYPTO_MSG_DELALG', type: CRYPTO_MSG.DELALG, header: cryptoUserAlg, attrs: cryptoAttrs, object: 'alg', action: 'del' }),
  UPDATEALG: defineMessage({ name: 'CRYPTO_MSG_UPDATEALG', type: CRYPTO_MSG.UPDATEALG, header: cryptoUserAlg, attrs: cryptoAttrs, action: 'set' }),
  GETALG: defineMessage({ name: 'CRYPTO_MSG_GETALG', type: CRYPTO_MSG.GETALG, header: cryptoUserAlg, attrs: cryptoAttrs, action: 'get' }),
  DELRNG: defineMessage({ name: 'CRYPTO_MSG_DELRNG', type: CRYPTO_MSG.DELRNG, header: undefined, attrs: undefined }),
  GETSTAT: defineMessage({ name: 'CRYPTO_MSG_GETSTAT', type: CRYPTO_MSG.GETSTAT, header: cryptoUserAlg, attrs: cryptoAttrs }),
} as const;
/** The crypto_user declarations as one family, for decode() and sockets. */
export const cryptoFamily: MessageFamily = { name: 'crypto', protocol: Protocol.CRYPTO, messages: Object.values(cryptoMessages) };
registerFamily(cryptoFamily);

/** One algorithm, with the fields /proc/crypto shows that the kernel reports over netlink. */
export interface CryptoAlg {
  name: string;
  driver: string;
  module: string;
  priority: number;
  refcnt: number;
  /** 'passed' once the self-test ran, as /proc/crypto says. */
  selftest: 'passed' | 'unknown';
  internal: boolean;
  async: boolean;
  flags: number;
  /** The report's type: shash, skcipher, aead, cipher, compression, rng, akcipher, kpp, larval... */
  type: string;
  /** The report's other fields (blocksize, digestsize, minKeysize, maxKeysize, ivsize, geniv...). */
  report: Record<string, string | number>;
}

function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return new TextDecoder().decode(end < 0 ? b : b.subarray(0, end));
}

function toAlg(m: DecodedMessage): CryptoAlg | undefined {
  if (m.kind !== 'data' || m.nlmsg.type !== CRYPTO_MSG.GETALG || !m.header) return undefined;
  const f = m.header as Record<string, unknown>;
  const a = m.attrs ?? {};
  const flags = Number(f.flags ?? 0);
  const which = REPORTS.find((r) => a[r] !== undefined);
  const rep = { ...((which ? a[which] : undefined) as Record<string, string | number> | undefined ?? { type: 'unknown' }) };
  const type = String(rep.type);
  delete rep.type;
  // skciphers have had no IV generator since 4.x: the kernel fills "<none>" and /proc omits it
  if (which === 'blkcipher') delete rep.geniv;
  return {
    name: cString(f.name as Uint8Array), driver: cString(f.driverName as Uint8Array), module: cString(f.moduleName as Uint8Array),
    priority: Number(a.priority ?? 0), refcnt: Number(f.refcnt ?? 0),
    selftest: flags & CRYPTO_ALG.TESTED ? 'passed' : 'unknown', internal: (flags & CRYPTO_ALG.INTERNAL) !== 0,
    async: (flags & CRYPTO_ALG.ASYNC) !== 0, flags, type, report: rep,
  };
}

function algRequest(match: { name?: string; driver?: string }): MessageBuilder {
  const body = new Uint8Array(cryptoUserAlg.size);
  const enc = new TextEncoder();
  body.set(enc.encode(match.name ?? '').subarray(0, NAME - 1), 0);
  body.set(enc.encode(match.driver ?? '').subarray(0, NAME - 1), NAME);
  return new MessageBuilder(CRYPTO_MSG.GETALG, 0, new Concat([new RawBytes(body)]));
}

/** Every registered algorithm (CRYPTO_MSG_GETALG dump), in the kernel's list order. */
export async function listAlgorithms(opts: FamilyCallOptions = {}): Promise<CryptoAlg[]> {
  return withSocket(Protocol.CRYPTO, opts, async (s) => {
    const r = await s.dumpAll(algRequest({}), { operation: 'CRYPTO_MSG_GETALG' });
    return r.messages.map(toAlg).filter((x): x is CryptoAlg => x !== undefined);
  }, cryptoFamily);
}

/** One algorithm by name and/or driver name (CRYPTO_MSG_GETALG); ENOENT when none matches. */
export async function getAlgorithm(match: { name?: string; driver?: string }, opts: FamilyCallOptions = {}): Promise<CryptoAlg> {
  return withSocket(Protocol.CRYPTO, opts, async (s) => {
    const r = await s.request(algRequest(match), { expect: 'reply', operation: 'CRYPTO_MSG_GETALG' });
    const alg = r.messages.map(toAlg).find((x) => x !== undefined);
    if (!alg) throw new Error(`CRYPTO_MSG_GETALG: no algorithm in the reply for ${JSON.stringify(match)}`);
    return alg;
  }, cryptoFamily);
}

/** /proc/crypto's wording of the report fields. */
const PROC_NAMES: Record<string, string> = { minKeysize: 'min keysize', maxKeysize: 'max keysize' };

/** /proc/crypto-style text: one "field : value" block per algorithm. */
export function algorithmsText(algs: readonly CryptoAlg[]): string {
  return algs.map((a) => {
    const rows: [string, string | number][] = [
      ['name', a.name], ['driver', a.driver], ['module', a.module], ['priority', a.priority], ['refcnt', a.refcnt],
      ['selftest', a.selftest], ['internal', a.internal ? 'yes' : 'no'], ['type', a.type],
      ...Object.entries(a.report).map(([k, v]): [string, string | number] => [PROC_NAMES[k] ?? k, v]),
    ];
    return rows.map(([k, v]) => `${k.padEnd(12)} : ${v}`).join('\n') + '\n';
  }).join('\n');
}
