// nfnetlink (NETLINK_NETFILTER): nf_tables and ctnetlink.
import { registerFamily } from '../../schema/registry.js';
import { Protocol } from '../../core/constants.js';
import type { MessageFamily } from '../../schema/family.js';
import { ctMessages } from './conntrack.js';
import { nftMessages } from './nftables.js';

export * from './common.js';
export * from './nftables.js';
export * from './conntrack.js';

/** Every declared nfnetlink message (nf_tables and ctnetlink), for decode() and the CLI. */
export const nfnetlinkFamily: MessageFamily = {
  name: 'nfnetlink', protocol: Protocol.NETFILTER, defaultHeaderSize: 4,
  messages: [...Object.values(nftMessages), ...Object.values(ctMessages)],
};

// Importing this module makes these the default declarations of the protocol.
registerFamily(nfnetlinkFamily);
