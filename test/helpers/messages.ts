/** A request as hex with seq, port id and the REQUEST and ACK flags cleared (the socket sets those per datagram). */
export function normalizedRequest(b: Uint8Array): string {
  const c = b.slice();
  const v = new DataView(c.buffer);
  v.setUint16(6, v.getUint16(6, true) & ~0x5, true);
  v.setUint32(8, 0, true);
  v.setUint32(12, 0, true);
  return Buffer.from(c).toString('hex');
}
