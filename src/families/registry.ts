// The built-in families: importing this module registers each of them (every family module
// registers its own declarations when imported) as the default of its protocol.
import './route/index.js';
import './genl/static.js';
import './netfilter/index.js';
import './xfrm/index.js';
import './audit/index.js';
import './crypto/index.js';
import './diag/index.js';

export { familyForProtocol, registerFamily } from '../schema/registry.js';
