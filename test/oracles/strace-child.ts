// Run by strace.test.ts under strace, inside a scratch namespace: dumps the links with
// NetlinkSocket and prints (as one JSON line on stdout) what it sent and what nlwire decoded.
import { RawBytes } from '../../src/core/attr.js';
import { MessageBuilder } from '../../src/core/message.js';
import { decode } from '../../src/codec.js'; // the entry: every built-in family registered
import { NetlinkSocket } from '../../src/socket/netlink-socket.js';
import { asList, attrById } from './oracle-helpers.js';

const sent: Array<{ length: number; type: number; flags: number; seq: number; pid: number }> = [];
const received: Uint8Array[] = [];
const sock = NetlinkSocket.open({
  protocol: 'route',
  capture: {
    record(direction, _protocol, bytes) {
      if (direction === 'in') { received.push(bytes.slice()); return; }
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      sent.push({ length: v.getUint32(0, true), type: v.getUint16(4, true), flags: v.getUint16(6, true), seq: v.getUint32(8, true), pid: v.getUint32(12, true) });
    },
  },
});
try {
  await sock.dumpAll(new MessageBuilder(18 /* RTM_GETLINK */, 0, new RawBytes(new Uint8Array(16))));
} finally {
  sock.close();
}
const replies = received.flatMap((d) => decode(d));
const ifnames = replies.filter((m) => m.nlmsg.type === 16).flatMap((m) => asList(attrById(m, 3 /* IFLA_IFNAME */)).map(String));
const seqs = replies.map((m) => m.nlmsg.seq);
const kinds = replies.map((m) => m.kind);
process.stdout.write(JSON.stringify({ portId: sock.portId, sent, ifnames, seqs, kinds }) + '\n');
