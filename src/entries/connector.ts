/// <reference lib="esnext.disposable" preserve="true" />
/**
 * `nlwire/connector`: the proc connector (NETLINK_CONNECTOR): fork, exec, exit... events of
 * every process. Needs root in the initial namespace.
 *
 * @module nlwire/connector
 */
export * from '../families/connector/index.js';
