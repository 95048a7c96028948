// Numbers from the kernel UAPI (linux/netlink.h). Kept as plain const objects so they
// inline well and read like the headers.

/** Netlink protocol numbers (the third argument of socket(AF_NETLINK, SOCK_RAW, proto)). */
export const Protocol = {
  ROUTE: 0,
  UNUSED: 1,
  USERSOCK: 2,
  FIREWALL: 3,
  SOCK_DIAG: 4,
  NFLOG: 5,
  XFRM: 6,
  SELINUX: 7,
  ISCSI: 8,
  AUDIT: 9,
  FIB_LOOKUP: 10,
  CONNECTOR: 11,
  NETFILTER: 12,
  IP6_FW: 13,
  DNRTMSG: 14,
  KOBJECT_UEVENT: 15,
  GENERIC: 16,
  SCSITRANSPORT: 18,
  ECRYPTFS: 19,
  RDMA: 20,
  CRYPTO: 21,
  SMC: 22,
} as const;
/** A netlink protocol by name, lower case: 'route', 'generic', 'netfilter', ... */
export type ProtocolName = Lowercase<keyof typeof Protocol>;

/** Control message types (type < NLMSG_MIN_TYPE). */
export const NLMSG_NOOP = 1;
/** An error, or an ACK (error 0), answering a request (struct nlmsgerr). */
export const NLMSG_ERROR = 2;
/** The end of a multipart message (a dump). */
export const NLMSG_DONE = 3;
/** Data lost (reserved; the kernel does not send it). */
export const NLMSG_OVERRUN = 4;
/** The first type a family may use for its own messages. */
export const NLMSG_MIN_TYPE = 0x10;

/** struct nlmsghdr, as decoded. */
export interface MessageHeader {
  length: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
}
/** Size of struct nlmsghdr. */
export const NLMSG_HDRLEN = 16;
/** Size of struct nlattr. */
export const NLA_HDRLEN = 4;
/** Messages are padded to this alignment. */
export const NLMSG_ALIGNTO = 4;
/** Attributes are padded to this alignment. */
export const NLA_ALIGNTO = 4;
/** Rounds `n` up to a multiple of 4 (NLMSG_ALIGN, NLA_ALIGN). */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

/** nlmsg_flags. Several bits mean different things for GET (dump) and NEW (create) requests. */
export const NLM_F = {
  REQUEST: 0x01,
  MULTI: 0x02,
  ACK: 0x04,
  ECHO: 0x08,
  DUMP_INTR: 0x10,
  DUMP_FILTERED: 0x20,
  // GET requests
  ROOT: 0x100,
  MATCH: 0x200,
  ATOMIC: 0x400,
  DUMP: 0x300,
  // NEW requests
  REPLACE: 0x100,
  EXCL: 0x200,
  CREATE: 0x400,
  APPEND: 0x800,
  // DELETE requests
  NONREC: 0x100,
  BULK: 0x200,
  // ACK messages
  CAPPED: 0x100,
  ACK_TLVS: 0x200,
} as const;

/** nla_type flag bits. */
export const NLA_F_NESTED = 0x8000;
/** nla_type flag: the payload is in network byte order. */
export const NLA_F_NET_BYTEORDER = 0x4000;
/** The attribute type without the NLA_F_* flags. */
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

/** Socket options at level SOL_NETLINK. */
export const SOL_NETLINK = 270;
/** Option names at level SOL_NETLINK (NETLINK_ADD_MEMBERSHIP, NETLINK_EXT_ACK, ...). */
export const NETLINK_OPT = {
  ADD_MEMBERSHIP: 1,
  DROP_MEMBERSHIP: 2,
  PKTINFO: 3,
  BROADCAST_ERROR: 4,
  NO_ENOBUFS: 5,
  RX_RING: 6,
  TX_RING: 7,
  LISTEN_ALL_NSID: 8,
  LIST_MEMBERSHIPS: 9,
  CAP_ACK: 10,
  EXT_ACK: 11,
  GET_STRICT_CHK: 12,
} as const;

/** Socket option level of the generic socket options below. */
export const SOL_SOCKET = 1;
/** Receive buffer size (capped by net.core.rmem_max). */
export const SO_RCVBUF = 8;
/** Send buffer size (capped by net.core.wmem_max). */
export const SO_SNDBUF = 7;
/** Receive buffer size past rmem_max (needs CAP_NET_ADMIN). */
export const SO_RCVBUFFORCE = 33;
/** Send buffer size past wmem_max (needs CAP_NET_ADMIN). */
export const SO_SNDBUFFORCE = 32;

/** Extended ACK TLV types (enum nlmsgerr_attrs). */
export const NLMSGERR_ATTR = {
  UNUSED: 0,
  MSG: 1,
  OFFS: 2,
  COOKIE: 3,
  POLICY: 4,
  MISS_TYPE: 5,
  MISS_NEST: 6,
} as const;

/** Policy description TLVs (enum netlink_attribute_type / netlink_policy_type_attr). */
export const NL_ATTR_TYPE = [
  'invalid', 'flag', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'binary', 'string',
  'nul-string', 'nested', 'nested-array', 'bitfield32', 'sint', 'uint',
] as const;
/** Attributes of one policy entry in a policy dump (NL_POLICY_TYPE_ATTR_*). */
export const NL_POLICY_TYPE_ATTR = {
  UNSPEC: 0,
  TYPE: 1,
  MIN_VALUE_S: 2,
  MAX_VALUE_S: 3,
  MIN_VALUE_U: 4,
  MAX_VALUE_U: 5,
  MIN_LENGTH: 6,
  MAX_LENGTH: 7,
  POLICY_IDX: 8,
  POLICY_MAXTYPE: 9,
  BITFIELD32_MASK: 10,
  PAD: 11,
  MASK: 12,
} as const;

/** The protocol number of a name ('route' is 0); numbers pass through. Throws TypeError for unknown names. */
export function protocolNumber(p: ProtocolName | number): number {
  if (typeof p === 'number') return p;
  const n = (Protocol as Record<string, number>)[p.toUpperCase()];
  if (n === undefined) throw new TypeError(`unknown netlink protocol '${p}'`);
  return n;
}

/** The lower-case name of a protocol number, or the number as text when unknown. */
export function protocolName(n: number): string {
  for (const [k, v] of Object.entries(Protocol)) if (v === n) return k.toLowerCase();
  return String(n);
}
