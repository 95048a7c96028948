// The built-in families, registered as the default declarations of their protocols (importing
// this module is what makes decode() and sockets know them).
import { familyForProtocol, registerFamily } from '../schema/registry.js';
import { rtnetlink } from './route/index.js';
import { genericStatic } from './genl/static.js';
import { nfnetlinkFamily } from './netfilter/index.js';
import { xfrmFamily } from './xfrm/index.js';
import { auditFamily } from './audit/index.js';

for (const f of [rtnetlink, genericStatic, nfnetlinkFamily, xfrmFamily, auditFamily]) registerFamily(f);

export { familyForProtocol, registerFamily };
