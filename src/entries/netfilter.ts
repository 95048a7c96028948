/// <reference lib="esnext.disposable" preserve="true" />
/**
 * `nlwire/netfilter`: nfnetlink (NETLINK_NETFILTER): the nf_tables ruleset (tables, chains,
 * sets, rules with their expressions) and conntrack entries and events.
 *
 * @module nlwire/netfilter
 */
import './sockets.js'; // the family calls open sockets
export * from '../families/netfilter/index.js';
