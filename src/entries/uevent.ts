/// <reference lib="esnext.disposable" preserve="true" />
/**
 * `nlwire/uevent`: kobject uevents (NETLINK_KOBJECT_UEVENT), the device events udev reads,
 * per network namespace.
 *
 * @module nlwire/uevent
 */
export * from '../families/uevent/index.js';
