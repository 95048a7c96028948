// `nlwire crypto show [NAME] [-j]`: the kernel's crypto algorithms over NETLINK_CRYPTO (what
// /proc/crypto lists), or the one whose name or driver is NAME.
import { getAlgorithm, listAlgorithms, algorithmsText } from '../families/crypto/index.js';
import { toJson, type FamiliesIO } from './families.js';

export const CRYPTO_HELP = `Usage: nlwire crypto show [NAME|DRIVER] [-j]
  Lists the kernel's crypto algorithms (CRYPTO_MSG_GETALG over NETLINK_CRYPTO), with the fields
  /proc/crypto shows; needs the crypto_user module and CAP_NET_ADMIN.
Examples:
  nlwire crypto show
  nlwire -j crypto show 'gcm(aes)'
`;

export async function cryptoCommand(args: string[], io: FamiliesIO, json: boolean): Promise<number> {
  const words = args.filter((a) => a !== '-j' && a !== '--json');
  const j = json || words.length !== args.length;
  if ((words[0] ?? 'show') !== 'show' || words.length > 2) { io.stderr(`nlwire: crypto: only \`show [NAME]\`\n${CRYPTO_HELP}`); return 2; }
  try {
    const name = words[1];
    const algs = name === undefined ? await listAlgorithms()
      : [await getAlgorithm({ name }).catch(() => getAlgorithm({ driver: name }))];
    io.stdout(j ? toJson(algs) + '\n' : algorithmsText(algs));
    return 0;
  } catch (e) {
    const msg = (e as Error).message;
    io.stderr(`nlwire crypto: ${msg}${/EPROTONOSUPPORT|not supported/i.test(msg) ? ' (is the crypto_user module loaded? modprobe crypto_user)' : ''}\n`);
    return 1;
  }
}
