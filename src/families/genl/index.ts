// Generic netlink: nlctrl resolution, declared families, and the client that drives them.
export * from './static.js';
export * from './define.js';
export * from './client.js';
export * from './resolve.js';
export * from './ethtool.js';
export * from './netdev.js';
export * from './tcp-metrics.js';
export * from './mptcp-pm.js';
export * from './wireguard.js';
export * from './nl80211.js';
