// WireGuard through generic netlink in the guest: set a private key and a peer with nlwire,
// read them back, and compare with `wg show` (Debian's wireguard-tools).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import * as genl from '../../src/entries/genl.js';
import { Rtnl } from '../../src/entries/route.js';
import { modprobe, sh } from './_guest.js';

const key = (seed: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 7) & 0xff);
/** A Curve25519 private key as the kernel stores it (clamped), so that it reads back unchanged. */
const clamped = (k: Uint8Array): Uint8Array => { const c = k.slice(); c[0]! &= 248; c[31] = (c[31]! & 127) | 64; return c; };
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

test('set a private key, listen port and a peer; read back; wg show agrees', async () => {
  modprobe('wireguard');
  await using rt = Rtnl.open();
  await rt.addLink({ name: 'wgt0', type: 'wireguard' });
  await using gn = genl.GenericNetlink.open();
  const wg = await gn.bind(genl.wireguard);
  const priv = clamped(key(1)), peer = key(2), psk = key(3);
  await wg.do('setDevice', {
    ifname: 'wgt0', privateKey: priv, listenPort: 51820, fwmark: 0x42,
    peers: [{
      publicKey: peer, presharedKey: psk, endpoint: { address: '192.0.2.50', port: 4500 }, persistentKeepaliveInterval: 25,
      allowedips: [{ family: 2, ipaddr: '10.10.0.0', cidrMask: 16 }, { family: 10, ipaddr: 'fd00::', cidrMask: 64 }],
    }],
  });
  const [dev] = await wg.dump('getDevice', { ifname: 'wgt0' });
  assert.ok(dev, 'a device in the dump');
  assert.is(b64(dev!.privateKey!), b64(priv));
  assert.is(dev!.listenPort, 51820);
  const p = dev!.peers?.[0];
  assert.ok(p, 'the peer reads back');
  assert.is(b64(p!.publicKey!), b64(peer));
  assert.equal(p!.endpoint, { address: '192.0.2.50', port: 4500 });

  // wg show wgt0 dump: the device line, then one line per peer (tab-separated)
  const [devLine, peerLine] = sh('wg', 'show', 'wgt0', 'dump').trim().split('\n').map((l) => l.split('\t'));
  const derived = execFileSync('wg', ['pubkey'], { input: b64(priv) + '\n', encoding: 'utf8' }).trim();
  assert.equal(devLine, [b64(priv), b64(dev!.publicKey!), '51820', '0x42']);
  assert.is(b64(dev!.publicKey!), derived, "the kernel's public key is the one wg derives");
  const ips = (p!.allowedips ?? []).map((a) => `${a.ipaddr}/${a.cidrMask}`).join(',');
  assert.equal(peerLine!.slice(0, 4), [b64(peer), b64(p!.presharedKey!), '192.0.2.50:4500', ips]);
  assert.is(ips, '10.10.0.0/16,fd00::/64');
  assert.is(peerLine![7], String(p!.persistentKeepaliveInterval));
  await rt.deleteLink('wgt0');
});

test.run();
