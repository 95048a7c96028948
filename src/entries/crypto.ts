/// <reference lib="esnext.disposable" preserve="true" />
/**
 * `nlwire/crypto`: the kernel's crypto API over NETLINK_CRYPTO (crypto_user): the registered
 * algorithms and their reports, as /proc/crypto shows them.
 *
 * @module nlwire/crypto
 */
import '../socket/netlink-socket.js'; // the family calls open sockets
export * from '../families/crypto/index.js';
