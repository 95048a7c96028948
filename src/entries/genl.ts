/// <reference lib="esnext.disposable" preserve="true" />
/**
 * `nlwire/genl`: generic netlink. {@link GenericNetlink} resolves families by name and dumps
 * their policies; declared families (nlctrl, ethtool, netdev, tcp_metrics, mptcp_pm, wireguard,
 * nl80211) get typed `do`/`dump` calls through `bind()`.
 *
 * @module nlwire/genl
 */
import './sockets.js'; // the family calls open sockets
export * from '../families/genl/index.js';
// attrNames(ethtool.ops.linkinfoGet.attrs, reply): enum and flag values of typed replies by name
export { attrNames } from '../schema/names.js';
