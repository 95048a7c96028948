/// <reference lib="esnext.disposable" preserve="true" />
/**
 * `nlwire/diag`: sock_diag (NETLINK_SOCK_DIAG), the sockets `ss` lists: inet (TCP, UDP over IPv4
 * and IPv6), unix, netlink and packet sockets, with kernel-side state and port filters; the
 * declarations (`sockDiagFamily`) for decode(), views and columns.
 *
 * @module nlwire/diag
 */
import './sockets.js'; // the family calls open sockets
export * from '../families/diag/index.js';
