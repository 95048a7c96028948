// Which declarations decode which protocol's messages, for decode() and the CLI.
import { Protocol } from '../core/constants.js';
import type { MessageFamily } from '../schema/family.js';
import { rtnetlink } from './route/index.js';
import { genericStatic } from './genl/static.js';
import { nfnetlinkFamily } from './netfilter/index.js';
import { xfrmFamily } from './xfrm/index.js';
import { auditFamily } from './audit/index.js';
import { cryptoFamily } from './crypto/index.js';

/** Fixed-header sizes of protocols whose messages are not all declared (for walking attributes). */
const DEFAULT_HEADER: Record<number, number | undefined> = {
  [Protocol.GENERIC]: 4, // genlmsghdr
  [Protocol.NETFILTER]: 4, // nfgenmsg
};

const byProtocol = new Map<number, MessageFamily>([
  [Protocol.ROUTE, rtnetlink],
  [Protocol.GENERIC, genericStatic],
  [Protocol.NETFILTER, nfnetlinkFamily],
  [Protocol.XFRM, xfrmFamily],
  [Protocol.AUDIT, auditFamily],
  [Protocol.CRYPTO, cryptoFamily],
]);

/** The declared family for a protocol, or a bare one (control messages, raw payloads) otherwise. */
export function familyForProtocol(protocol: number): MessageFamily {
  const f = byProtocol.get(protocol);
  if (f) return f;
  const d = DEFAULT_HEADER[protocol];
  return d === undefined ? { name: `protocol ${protocol}`, protocol, messages: [] } : { name: `protocol ${protocol}`, protocol, messages: [], defaultHeaderSize: d };
}

/** Lets a family module (genl families, custom protocols) register its declarations. */
export function registerFamily(f: MessageFamily): void {
  byProtocol.set(f.protocol, f);
}
