// `nlwire xfrm state ...` and `nlwire xfrm monitor` in ip's grammar (iproute2 6.1 xfrm_state.c):
//   xfrm state { add | update } ID [ALGO-LIST] [mode MODE] [mark MARK [mask MASK]] [reqid REQID]
//              [replay-window SIZE] [flag FLAG-LIST] [sel SELECTOR] [output-mark OM [mask M]] [if_id N]
//   xfrm state { get | delete } ID     xfrm state flush [proto XFRM-PROTO]     xfrm state list
//   xfrm monitor [-c COUNT]            (SA events, printed as `ip xfrm monitor` prints them)
// ID := [src ADDR] [dst ADDR] [proto XFRM-PROTO] [spi SPI]; ALGO := { enc | auth } NAME KEY |
// auth-trunc NAME KEY TRUNC-LEN | aead NAME KEY ICV-LEN | comp NAME. A key is 0x-hex or a string.
// Text output is ip's, line for line; -j gives the SA records.
import { parseIP } from '../core/addr.js';
import {
  addSA, deleteSA, flushSAs, getSA, listSAs, saEvents, saText, type SaSpec, type XfrmAlgorithm, type XfrmSA, type XfrmSaEvent,
} from '../families/xfrm/index.js';
import { IpExit, UsageError } from './io.js';
import { matches, Words } from './ip-words.js';
import { badPrefix, duplicateArgument, invarg, ipPrefix, missingArgument, parseUnsigned, U32, U8, unsignedOr } from './values.js';

type Proto = 'esp' | 'ah' | 'comp';
export interface XfrmIO { stdout(s: string): void; stderr(s: string): void }

const PROTOS: Record<string, number> = { esp: 50, ah: 51, comp: 108, route2: 43, hao: 60, 'ipsec-any': 255 };
const FLAGS: Record<string, number> = { noecn: 1, 'decap-dscp': 2, nopmtudisc: 4, wildrecv: 8, icmp: 16, 'af-unspec': 32, align4: 64, esn: 128 };
const MODES: ReadonlyArray<readonly [string, NonNullable<SaSpec['mode']> | 'ro' | 'in_trigger']> = [
  ['transport', 'transport'], ['tunnel', 'tunnel'], ['ro', 'ro'], ['in_trigger', 'in_trigger'], ['beet', 'beet'],
];

/** ip's xfrm_algo_parse(): "0x" then hex digit pairs, or the word's own bytes. */
function keyBytes(arg: string): Uint8Array {
  if (arg.length > 2 && arg.startsWith('0x')) {
    const h = arg.slice(2);
    // an odd count of digits gets a leading zero, as ip pads it
    const even = h.length % 2 ? '0' + h : h;
    if (!/^[0-9a-fA-F]*$/.test(h)) invarg('ALGO-KEYMAT value is invalid', arg);
    return Uint8Array.from(even.match(/../g) ?? [], (x) => parseInt(x, 16));
  }
  return new TextEncoder().encode(arg);
}

interface Id { src?: string; dst?: string; proto?: string; spi?: number; last?: string }

/** xfrm_id_parse(): src/dst/proto/spi words, in any order, until another word. Returns false when the word is not one of them. */
function idWord(word: string, w: Words, id: Id): boolean {
  if (word !== 'src' && word !== 'dst' && word !== 'proto' && word !== 'spi') return false;
  const v = w.value();
  if (word === 'src' || word === 'dst') {
    const p = ipPrefix(v);
    if (!p) badPrefix(v);
    id[word] = p.text.split('/')[0]!;
  } else if (word === 'proto') {
    if (PROTOS[v] === undefined) invarg('XFRM-PROTO value is invalid', v);
    id.proto = v;
  } else {
    const n = parseUnsigned(v, U32, 0);
    if (n === undefined) invarg('SPI value is invalid', v);
    id.spi = Number(n);
  }
  id.last = v;
  return true;
}

/** At the end of a run of ID words, as xfrm_id_parse() checks it (naming the run's last word). */
function checkFamilies(id: Id): void {
  if (id.src && id.dst && (parseIP(id.src)!.length !== parseIP(id.dst)!.length)) {
    invarg('the same address family is required between values after "src" and "dst"', id.last ?? id.dst);
  }
}

function ipsecProto(id: Id, what: string): Proto {
  if (!id.proto) missingArgument('XFRM-PROTO');
  if (id.proto !== 'esp' && id.proto !== 'ah' && id.proto !== 'comp') throw new UsageError(`xfrm state ${what}: nlwire handles proto esp, ah and comp, not ${id.proto}`);
  return id.proto;
}

function parseAdd(w: Words): SaSpec {
  const id: Id = {};
  const spec: Partial<SaSpec> = {};
  let sel: SaSpec['selector'] | undefined;
  while (!w.done) {
    const word = w.next();
    if (idWord(word, w, id)) {
      if (w.done || !['src', 'dst', 'proto', 'spi'].includes(w.peek()!)) checkFamilies(id);
      continue;
    }
    if (word === 'mode') {
      const v = w.value();
      const m = MODES.find(([k]) => matches(v, k))?.[1];
      if (!m) invarg('MODE value is invalid', v);
      if (m === 'ro' || m === 'in_trigger') throw new UsageError(`xfrm state: mode ${m} is an ip mode nlwire does not implement yet`);
      spec.mode = m;
    } else if (word === 'mark') {
      const v = w.value();
      const n = parseUnsigned(v, U32, 0);
      if (n === undefined) invarg('MARK value is invalid', v);
      spec.mark = { value: Number(n) };
      if (w.peek() === 'mask') { w.next(); spec.mark.mask = unsignedOr(w.value(), 'MASK value is invalid\n'); }
    } else if (word === 'output-mark') {
      spec.outputMark = { value: unsignedOr(w.value(), 'value after "output-mark" is invalid') };
      if (w.peek() === 'mask') { w.next(); spec.outputMark.mask = unsignedOr(w.value(), 'MASK value is invalid'); }
    } else if (word === 'reqid') spec.reqid = unsignedOr(w.value(), 'REQID value is invalid');
    else if (word === 'replay-window') {
      const n = unsignedOr(w.value(), 'value after "replay-window" is invalid');
      // a wider window needs the ESN replay state (XFRMA_REPLAY_ESN_VAL)
      if (n > 255) throw new UsageError('xfrm state: a replay-window over 255 (ESN) is not implemented by nlwire yet');
      spec.replayWindow = n;
    } else if (word === 'if_id') spec.ifId = unsignedOr(w.value(), 'value after "if_id" is invalid');
    else if (word === 'flag') {
      // a number (hex), or names while they match
      const first = w.value();
      const raw = parseUnsigned(first, U8, 16);
      if (raw !== undefined) spec.flags = Number(raw);
      else {
        let f = FLAGS[first];
        if (f === undefined) invarg('unknown', first);
        let flags = f;
        while (!w.done && (f = FLAGS[w.peek()!]) !== undefined) { w.next(); flags |= f; }
        spec.flags = flags;
      }
    } else if (word === 'sel') {
      const s: { src?: string; dst?: string; proto?: number; sport?: number; dport?: number } = {};
      while (!w.done && ['src', 'dst'].includes(w.peek()!)) {
        const k = w.next() as 'src' | 'dst';
        const v = w.value(), p = ipPrefix(v);
        if (!p) badPrefix(v);
        s[k] = p.text;
      }
      if (!s.src && !s.dst) missingArgument('SELECTOR');
      const any = (s.src ?? s.dst)!.includes(':') ? '::/0' : '0.0.0.0/0';
      sel = { src: s.src ?? any, dst: s.dst ?? any };
    } else if (word === 'enc' || word === 'auth' || word === 'auth-trunc' || word === 'aead' || word === 'comp') {
      const name = w.value();
      if (name.length > 63) invarg('"ALGO-NAME" value makes buffer overflow\n', name);
      const a: XfrmAlgorithm = { name, key: new Uint8Array() };
      if (word !== 'comp') a.key = keyBytes(w.value());
      if (word === 'auth-trunc') a.truncLen = unsignedOr(w.value(), 'ALGO-TRUNC-LEN value is invalid');
      if (word === 'aead') a.icvLen = unsignedOr(w.value(), 'ALGO-ICV-LEN value is invalid');
      const slot = word === 'enc' ? 'crypt' : word === 'aead' ? 'aead' : word === 'comp' ? 'comp' : 'auth';
      // aead excludes enc and auth; each kind comes once
      const taken = slot === 'aead' ? spec.aead || spec.crypt || spec.auth : slot === 'comp' ? spec.comp : spec[slot] || spec.aead;
      if (taken) duplicateArgument('ALGO-TYPE', word);
      spec[slot] = a;
    } else if (['seq', 'replay-seq', 'replay-oseq', 'replay-seq-hi', 'replay-oseq-hi', 'extra-flag', 'limit', 'encap', 'coa', 'ctx', 'offload', 'tfcpad', 'dir'].includes(word)) {
      throw new UsageError(`xfrm state: "${word}" is an ip keyword nlwire does not implement yet`);
    } else invarg('unknown', word);
  }
  const proto = ipsecProto(id, 'add');
  if (!id.src || !id.dst) throw new UsageError('xfrm state add: nlwire needs both src and dst');
  // xfrm_state_modify()'s checks of the algorithms against the protocol (exit 1)
  const need = (text: string): never => { throw new IpExit(text + '\n', 1); };
  if (proto === 'esp') {
    if (spec.comp) need('ALGO-TYPE value "comp" is invalid with XFRM-PROTO value "esp"');
    if (!spec.aead && !spec.crypt) need('ALGO-TYPE value "enc" or "aead" is required with XFRM-PROTO value "esp"');
  } else if (proto === 'ah') {
    if (spec.crypt || spec.aead || spec.comp) need('ALGO-TYPE values "enc", "aead", and "comp" are invalid with XFRM-PROTO value "ah"');
    if (!spec.auth) need('ALGO-TYPE value "auth" or "auth-trunc" is required with XFRM-PROTO value "ah"');
  } else {
    if (spec.crypt || spec.aead || spec.auth) need('ALGO-TYPE values "enc", "auth", "auth-trunc", and "aead" are invalid with XFRM-PROTO value "comp"');
    if (!spec.comp) need('ALGO-TYPE value "comp" is required with XFRM-PROTO value "comp"');
  }
  return { ...spec, src: id.src, dst: id.dst, proto, spi: id.spi ?? 0, ...(sel ? { selector: sel } : {}) } as SaSpec;
}

function parseId(w: Words, what: string): { dst: string; spi: number; proto: Proto } {
  const id: Id = {};
  while (!w.done) {
    const word = w.next();
    if (!idWord(word, w, id)) invarg('unknown', word);
  }
  checkFamilies(id);
  const proto = ipsecProto(id, what);
  if (!id.dst) throw new UsageError(`xfrm state ${what}: nlwire needs dst`);
  return { dst: id.dst, spi: id.spi ?? 0, proto };
}

const FLUSH_NAMES: Record<number, string> = { 50: 'esp', 51: 'ah', 108: 'comp', 255: 'ipsec-any' };
/** One SA event as `ip xfrm monitor` prints it. */
export function saEventText(e: XfrmSaEvent): string {
  if (e.type === 'overrun') return `[OVERRUN] ${e.reason}\n`;
  if (e.type === 'flush') return `Flushed state proto ${FLUSH_NAMES[e.proto] ?? e.proto}\n`;
  const head = e.type === 'delete' ? 'Deleted ' : e.type === 'update' ? 'Updated ' : e.type === 'expire' ? 'Expired ' : '';
  return head + saText(e.sa);
}

export interface XfrmOptions { netns?: string; json: boolean; signal?: AbortSignal }

/** `nlwire xfrm state VERB ...`; returns the exit status. */
export async function xfrmStateCommand(verb: string, words: string[], io: XfrmIO, o: XfrmOptions): Promise<number> {
  const opt = o.netns !== undefined ? { netns: o.netns } : {};
  const w = new Words(words);
  const show = (sas: XfrmSA[]): void => io.stdout(o.json ? jsonText(sas) + '\n' : sas.map(saText).join(''));
  switch (verb) {
    case 'add': case 'update': await addSA(parseAdd(w), { ...opt, update: verb === 'update' }); return 0;
    case 'get': show([await getSA(parseId(w, 'get'), opt)]); return 0;
    case 'delete': case 'del': await deleteSA(parseId(w, 'delete'), opt); return 0;
    case 'flush': {
      let proto: Proto | 'any' = 'any';
      while (!w.done) {
        const word = w.next();
        if (word !== 'proto') invarg('unknown', word);
        const v = w.value();
        if (PROTOS[v] === undefined) invarg('XFRM-PROTO value is invalid', v);
        if (v !== 'esp' && v !== 'ah' && v !== 'comp' && v !== 'ipsec-any') throw new UsageError(`xfrm state flush: proto ${v} is not an IPsec protocol`);
        proto = v === 'ipsec-any' ? 'any' : v;
      }
      await flushSAs(proto, opt);
      return 0;
    }
    case 'list': case 'show': case 'lst': case 'sh':
      if (!w.done) throw new UsageError('xfrm state list: nlwire does not filter yet (no ID or mode words)');
      show(await listSAs(opt));
      return 0;
  }
  throw new UsageError(`xfrm state: unknown command '${verb}'`);
}

/** `nlwire xfrm monitor [-c COUNT]`: SA events until COUNT, the signal or SIGINT. */
export async function xfrmMonitorCommand(words: string[], io: XfrmIO, o: XfrmOptions): Promise<number> {
  let count: number | undefined;
  for (let i = 0; i < words.length; i++) {
    const a = words[i]!;
    if (a === '-c' || a === '--count') {
      const n = Number(words[++i]);
      if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${a} needs a positive count`);
      count = n;
    } else if (a !== 'all' && a !== 'SA') throw new UsageError(`xfrm monitor: nlwire shows SA events only (use xfrm policy monitor for policies), not "${a}"`);
  }
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  o.signal?.addEventListener('abort', stop);
  process.once('SIGINT', stop);
  let n = 0;
  try {
    for await (const e of saEvents({ ...(o.netns !== undefined ? { netns: o.netns } : {}), signal: ac.signal })) {
      io.stdout(o.json ? jsonText(e) + '\n' : saEventText(e));
      if (count !== undefined && ++n >= count) break;
    }
  } finally {
    process.off('SIGINT', stop);
    o.signal?.removeEventListener('abort', stop);
  }
  return 0;
}

function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return x.toString();
    if (x instanceof Uint8Array) return Array.from(x, (b) => b.toString(16).padStart(2, '0')).join('');
    return x;
  });
}
