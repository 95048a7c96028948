/// <reference lib="esnext.disposable" preserve="true" />
/**
 * `nlwire/xfrm`: IPsec (NETLINK_XFRM): policies and security associations, their monitor, SPI
 * allocation.
 *
 * @module nlwire/xfrm
 */
import './sockets.js'; // the family calls open sockets
export * from '../families/xfrm/index.js';
