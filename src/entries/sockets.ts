// Family calls (diag, netfilter, xfrm, audit, crypto...) open kernel sockets through a seam of
// families/diag/shared.ts; the entries that ship socket code set its default here.
import { NetlinkSocket } from '../socket/netlink-socket.js';
import { setDefaultSocketFactory } from '../families/diag/shared.js';

setDefaultSocketFactory((o) => NetlinkSocket.open(o));
