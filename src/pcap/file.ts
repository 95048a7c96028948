// Node-only: a pcap file that grows as a socket captures (kept out of pcap.ts, which runs anywhere).
import { closeSync, openSync, writeSync } from 'node:fs';
import type { CaptureSink } from '../socket/netlink-socket.js';
import { PcapWriter, type PcapWriterOptions } from './pcap.js';

/** A CaptureSink that appends every record to a pcap file synchronously (nothing is buffered). */
export interface PcapFileSink extends CaptureSink, Disposable {
  readonly path: string;
  readonly writer: PcapWriter;
  /** Closes the file; later records are dropped. Idempotent. */
  close(): void;
}

/**
 * Creates (or truncates) `path` and writes the pcap global header; every datagram the socket
 * records is appended at once with a synchronous write, so the file is complete after a crash.
 *
 *   const sink = pcapFileSink('/tmp/nl.pcap');
 *   const sock = NetlinkSocket.open({ protocol: 'route', capture: sink });
 */
export function pcapFileSink(path: string, options: Omit<PcapWriterOptions, 'onData' | 'retain'> = {}): PcapFileSink {
  let fd: number | undefined = openSync(path, 'w');
  const write = (chunk: Uint8Array): void => {
    if (fd === undefined) return;
    let off = 0;
    while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
  };
  let writer: PcapWriter;
  try {
    writer = new PcapWriter({ ...options, onData: write, retain: false });
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  const close = (): void => {
    if (fd === undefined) return;
    const f = fd;
    fd = undefined;
    closeSync(f);
  };
  return {
    path,
    writer,
    record(direction, protocol, bytes) {
      if (fd !== undefined) writer.record(direction, protocol, bytes);
    },
    close,
    [Symbol.dispose]: close,
  };
}
