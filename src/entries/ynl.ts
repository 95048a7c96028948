/// <reference lib="esnext.disposable" preserve="true" />
/**
 * `nlwire/ynl`: drive any generic netlink family from a kernel-format YNL spec at run time, as
 * the kernel's own `ynl` tool does (names stay as the spec spells them, kebab-case).
 *
 * @module nlwire/ynl
 */
import './sockets.js'; // the family calls open sockets
export * from '../ynl/index.js';
