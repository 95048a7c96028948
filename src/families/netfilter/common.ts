// nfnetlink basics (linux/netfilter/nfnetlink.h): the nfgenmsg header, subsystems, batches.
import type { Encodable } from '../../core/attr.js';
import { NLM_F } from '../../core/constants.js';
import { NetlinkError } from '../../core/errors.js';
import { dataView } from '../../core/header.js';
import { MessageBuilder } from '../../core/message.js';
import { defineEnum, defineStruct } from '../../schema/define.js';
import { encodeStructInto } from '../../schema/engine.js';
import type { NetlinkSocket } from '../../socket/netlink-socket.js';

/** struct nfgenmsg: family, version (NFNETLINK_V0), res_id (big-endian; the subsystem for batches). */
export const nfgenmsg = defineStruct('nfgenmsg', [
  { name: 'family', type: 'u8' },
  { name: 'version', type: 'u8' },
  { name: 'resId', type: 'u16', byteOrder: 'big-endian' },
]);

/** nfnetlink subsystems (NFNL_SUBSYS_*): the high byte of a message type. */
export const NFNL_SUBSYS = {
  NONE: 0, CTNETLINK: 1, CTNETLINK_EXP: 2, QUEUE: 3, ULOG: 4, OSF: 5, IPSET: 6, ACCT: 7, CTNETLINK_TIMEOUT: 8,
  CTHELPER: 9, NFTABLES: 10, NFT_COMPAT: 11, HOOK: 12,
} as const;
/** Opens an nfnetlink batch (a transaction for nf_tables). */
export const NFNL_MSG_BATCH_BEGIN = 16;
/** Closes (commits) an nfnetlink batch. */
export const NFNL_MSG_BATCH_END = 17;

/** Multicast groups (enum nfnetlink_groups). */
export const NFNLGRP = {
  CONNTRACK_NEW: 1, CONNTRACK_UPDATE: 2, CONNTRACK_DESTROY: 3, CONNTRACK_EXP_NEW: 4, CONNTRACK_EXP_UPDATE: 5,
  CONNTRACK_EXP_DESTROY: 6, NFTABLES: 7, ACCT_QUOTA: 8, NFTRACE: 9,
} as const;

/** Netfilter protocol families (NFPROTO_*), named as nft names them. */
export const NfProto = defineEnum('nfproto', { unspec: 0, inet: 1, ip: 2, arp: 3, netdev: 5, bridge: 7, ip6: 10 });
/** nf_tables family names: 'ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'. */
export type NfFamilyName = Exclude<keyof typeof NfProto.values, 'unspec'>;

/** The message type of `msg` in subsystem `subsys` (subsys << 8 | msg). */
export function nfType(subsys: number, msg: number): number {
  return (subsys << 8) | msg;
}

/** The 4-byte nfgenmsg as an Encodable. */
export function nfgen(family: number, resId = 0): Encodable {
  return {
    byteLength: () => nfgenmsg.size,
    encodeInto: (v, o) => encodeStructInto(nfgenmsg, { family, version: 0, resId }, v, o),
  };
}

/** A message of a batch: type, flags (REQUEST and ACK are added) and its body (nfgenmsg + attributes). */
export interface BatchItem {
  type: number;
  flags: number;
  body: Encodable;
  /** For errors: 'NFT_MSG_NEWTABLE' etc. */
  operation: string;
}

/**
 * Sends messages in one NFNL_MSG_BATCH_BEGIN/END transaction (as nft does) through the socket's
 * batch mechanism (one datagram, one ACK each). The first error rejects with NetlinkError (the
 * kernel then aborts the whole transaction: nothing of it is applied).
 */
export async function runBatch(sock: NetlinkSocket, items: readonly BatchItem[], subsys: number = NFNL_SUBSYS.NFTABLES, timeoutMs = 10_000): Promise<void> {
  if (items.length === 0) return;
  const frameMessage = (type: number): Uint8Array => {
    const m = new MessageBuilder(type, NLM_F.REQUEST, nfgen(0, subsys), 0);
    const b = new Uint8Array(m.byteLength());
    m.encodeInto(dataView(b), 0);
    return b;
  };
  const r = await sock.batch(items.map((it) => new MessageBuilder(it.type, it.flags, it.body, 0)), {
    frame: { begin: frameMessage(NFNL_MSG_BATCH_BEGIN), end: frameMessage(NFNL_MSG_BATCH_END) },
    onError: 'continue',
    timeout: timeoutMs,
    onResult: () => undefined,
  });
  const first = r.failed[0];
  if (!first) return;
  const e = first.error;
  // Name the failing operation as the declarations of this module do.
  if (e instanceof NetlinkError) throw new NetlinkError(e.errno, items[first.index]!.operation, e.extack, e.request);
  throw e;
}
