/// <reference lib="esnext.disposable" preserve="true" />
/**
 * `nlwire/pcap`: netlink captures in pcap format (LINKTYPE_NETLINK, as Wireshark and tshark read
 * them): write them from a socket's `capture` option, read them back.
 *
 * @module nlwire/pcap
 */
export * from '../pcap/pcap.js';
export { pcapFileSink, type PcapFileSink } from '../pcap/file.js';
