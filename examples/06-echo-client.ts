// Seed 6, the user program: sends "Hello from user space" to a netlink port id and prints the
// answer. With NETLINK_USERSOCK (default) it talks to examples/06-echo-server.ts; with
// `--protocol 31` it talks to the kernel module in examples/kernel-module/ (port 0 = the kernel).
//   npx tsx examples/06-echo-client.ts [--netns NAME] [--protocol 2|31] [--port 19280]
import { NetlinkSocket, MessageBuilder, RawBytes } from 'nlwire';
import { exampleArgs } from './_args.js';

const { netns, rest } = exampleArgs();
const opt = (name: string, dflt: number): number => { const i = rest.indexOf(name); return i >= 0 ? Number(rest[i + 1]) : dflt; };
const protocol = opt('--protocol', 2);
const port = opt('--port', protocol === 2 ? 19280 : 0);
// A custom protocol's replies come from a user-space port, or from the kernel (port 0).
using sock = NetlinkSocket.open({ protocol, acceptNonKernel: true, ...(netns ? { netns } : {}) });
const text = new TextEncoder().encode('Hello from user space\0');
const answer = new Promise<string>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`no answer from port ${port} within 3 s`)), 3000);
  const stop = sock.onRaw((c) => {
    const len = new DataView(c.bytes.buffer, c.bytes.byteOffset).getUint32(0, true);
    clearTimeout(timer);
    stop();
    // the text ends at the first NUL (the kernel module echoes the request's payload after it)
    resolve(new TextDecoder().decode(c.bytes.subarray(16, len)).split('\0')[0] ?? '');
  });
});
// NLM_F_REQUEST: the kernel's netlink_rcv_skb() passes on only requests.
sock.sendTo(new MessageBuilder(0x10, 1, new RawBytes(text), 1, sock.portId).toBytes(), port);
console.log(`sent "Hello from user space" to port ${port} (protocol ${protocol}) from port ${sock.portId}`);
try {
  console.log(`received: "${await answer}"`);
} catch (e) {
  console.error(String(e));
  process.exitCode = 1;
}
