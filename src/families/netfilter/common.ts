// nfnetlink basics (linux/netfilter/nfnetlink.h): the nfgenmsg header, subsystems, batches.
import { Concat, type Encodable } from '../../core/attr.js';
import { NLM_F, NLMSG_ERROR, NLMSG_HDRLEN, align4 } from '../../core/constants.js';
import { NetlinkError, NetlinkTimeoutError } from '../../core/errors.js';
import { dataView } from '../../core/header.js';
import { MessageBuilder } from '../../core/message.js';
import { decodeErrorPayload } from '../../core/nlmsgerr.js';
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
 * Sends messages in one NFNL_MSG_BATCH_BEGIN/END transaction (as nft does) and waits for the
 * ACK of each. The first error rejects with NetlinkError (the kernel aborts the whole batch).
 */
export function runBatch(sock: NetlinkSocket, items: readonly BatchItem[], subsys: number = NFNL_SUBSYS.NFTABLES, timeoutMs = 10_000): Promise<void> {
  const seqs = new Map<number, string>();
  const msgs: MessageBuilder[] = [new MessageBuilder(NFNL_MSG_BATCH_BEGIN, NLM_F.REQUEST, nfgen(0, subsys), sock.nextSeq())];
  for (const it of items) {
    const seq = sock.nextSeq();
    seqs.set(seq, it.operation);
    msgs.push(new MessageBuilder(it.type, it.flags | NLM_F.REQUEST | NLM_F.ACK, it.body, seq));
  }
  msgs.push(new MessageBuilder(NFNL_MSG_BATCH_END, NLM_F.REQUEST, nfgen(0, subsys), sock.nextSeq()));
  const all = new Concat(msgs);
  const bytes = new Uint8Array(all.byteLength());
  all.encodeInto(dataView(bytes), 0);
  if (seqs.size === 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    let off: (() => void) | undefined;
    const timer = setTimeout(() => { off?.(); reject(new NetlinkTimeoutError('nfnetlink batch', timeoutMs)); }, timeoutMs);
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      off?.();
      if (err) reject(err); else resolve();
    };
    off = sock.onRaw((chunk) => {
      const b = chunk.bytes;
      const v = dataView(b);
      let p = 0;
      while (p + NLMSG_HDRLEN <= b.length) {
        const len = v.getUint32(p, true);
        if (len < NLMSG_HDRLEN || p + len > b.length) return;
        const type = v.getUint16(p + 4, true);
        const seq = v.getUint32(p + 8, true);
        const op = seqs.get(seq);
        if (type === NLMSG_ERROR && op !== undefined) {
          const e = decodeErrorPayload(b.subarray(p + NLMSG_HDRLEN, p + len), v.getUint16(p + 6, true));
          if (e.error !== 0) { finish(new NetlinkError(e.error, op, e.extack, e.request)); return; }
          seqs.delete(seq);
          if (seqs.size === 0) { finish(); return; }
        }
        p += align4(len);
      }
    });
    try {
      sock.sendTo(bytes);
    } catch (e) {
      finish(e as Error);
    }
  });
}
