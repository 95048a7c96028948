/// <reference lib="esnext.disposable" preserve="true" />
/**
 * `nlwire/audit`: the kernel audit subsystem (NETLINK_AUDIT): its status. Needs root in the
 * initial namespace.
 *
 * @module nlwire/audit
 */
import './sockets.js'; // the family calls open sockets
export * from '../families/audit/index.js';
