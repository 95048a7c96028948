// Seed 6a, the "kernel module" role played in user space: a NETLINK_USERSOCK (protocol 2)
// server bound to a fixed port id. It answers every message with "Hello Userspace" to the
// sender's port id, as the module does with nlmsg_unicast.
//   npx tsx examples/06-echo-server.ts [--netns NAME] [--port 19280] [--count N]
import { NetlinkSocket, MessageBuilder, RawBytes } from 'nlwire';
import { exampleArgs } from './_args.js';

const { netns, count, rest } = exampleArgs();
const port = Number(rest[rest.indexOf('--port') + 1] ?? 19280) || 19280;
using server = NetlinkSocket.open({ protocol: 'usersock', portId: port, ...(netns ? { netns } : {}) });
const reply = new TextEncoder().encode('Hello Userspace\0');
let served = 0;
console.log(`echo server listening on NETLINK_USERSOCK port ${server.portId}`);
await new Promise<void>((resolve) => {
  const stop = server.onRaw((c) => {
    const v = new DataView(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength);
    const len = v.getUint32(0, true);
    const text = new TextDecoder().decode(c.bytes.subarray(16, len)).replace(/\0+$/, '');
    console.log(`got "${text}" from port ${c.portId}`);
    const msg = new MessageBuilder(v.getUint16(4, true), 0, new RawBytes(reply), v.getUint32(8, true), server.portId);
    server.sendTo(msg.toBytes(), c.portId);
    if (count && ++served >= count) { stop(); resolve(); }
  });
  process.once('SIGINT', () => { stop(); resolve(); });
});
