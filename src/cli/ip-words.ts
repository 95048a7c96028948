// ip's command-line grammar: prefix matching (ip's matches()), the object and verb tables in ip's
// order (so abbreviations resolve as ip resolves them: `ip l s` is link set, `ip r d` route
// delete), ip's messages for unknown words, and a "did you mean" for near misses.
import { IpExit } from './io.js';
import { incompleteCommand } from './values.js';

/** ip's matches(): the word is a non-empty prefix of the keyword. */
export function matches(word: string, keyword: string): boolean {
  return word.length > 0 && word.length <= keyword.length && keyword.startsWith(word);
}

/** The first entry whose keyword the word abbreviates, in table order (ip's if-chains). */
export function firstMatch<T>(word: string, table: ReadonlyArray<readonly [string, T, 'exact'?]>): T | undefined {
  for (const [k, v, exact] of table) if (exact ? word === k : matches(word, k)) return v;
  return undefined;
}

/** Levenshtein distance, for suggestions. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length]!;
}
/** ` Did you mean "show"?` when one keyword is close (at most 2 edits, or a transposition). */
export function suggestion(word: string, keywords: readonly string[]): string {
  let best: string | undefined, bestD = Infinity;
  for (const k of keywords) { const dd = distance(word, k); if (dd < bestD) { best = k; bestD = dd; } }
  return best !== undefined && bestD <= Math.min(2, Math.max(1, best.length - 2)) ? `Did you mean "${best}"?\n` : '';
}

/** ip's top-level objects, in ip.c's table order (nlwire's own commands are matched exactly before). */
export const IP_OBJECTS = [
  'address', 'addrlabel', 'maddress', 'route', 'rule', 'neighbor', 'neighbour', 'ntable', 'ntbl', 'link', 'l2tp',
  'fou', 'ila', 'macsec', 'tunnel', 'tunl', 'tuntap', 'tap', 'token', 'tcpmetrics', 'tcp_metrics', 'monitor', 'xfrm',
  'mroute', 'mrule', 'netns', 'netconf', 'vrf', 'sr', 'nexthop', 'mptcp', 'ioam', 'help', 'stats',
] as const;

/** `Object "foo" is unknown, try "nlwire help".`, exit 1 as ip. */
export function unknownObject(word: string, known: readonly string[]): never {
  throw new IpExit(`Object "${word}" is unknown, try "nlwire help".\n${suggestion(word, known)}`, 1);
}

export type Verb = 'add' | 'change' | 'replace' | 'prepend' | 'append' | 'test' | 'delete' | 'show' | 'get' | 'flush' | 'help'
  | 'save' | 'restore' | 'showdump' | 'xstats' | 'afstats' | 'property' | 'bucket' | 'list' | 'identify' | 'pids' | 'exec'
  | 'set' | 'attach' | 'monitor' | 'del';

/** Each object's verbs in the order ip tests them (first prefix match wins). */
export const OBJECT_VERBS: Record<string, ReadonlyArray<readonly [string, Verb, 'exact'?]>> = {
  link: [['add', 'add'], ['set', 'change'], ['change', 'change'], ['replace', 'replace'], ['delete', 'delete'], ['show', 'show'],
    ['lst', 'show'], ['list', 'show'], ['xstats', 'xstats'], ['afstats', 'afstats'], ['property', 'property'], ['help', 'help']],
  address: [['add', 'add'], ['change', 'change'], ['chg', 'change', 'exact'], ['replace', 'replace'], ['delete', 'delete'],
    ['list', 'show'], ['show', 'show'], ['lst', 'show'], ['flush', 'flush'], ['save', 'save'], ['showdump', 'showdump'],
    ['restore', 'restore'], ['help', 'help']],
  route: [['add', 'add'], ['change', 'change'], ['chg', 'change', 'exact'], ['replace', 'replace'], ['prepend', 'prepend'],
    ['append', 'append'], ['test', 'test'], ['delete', 'delete'], ['list', 'show'], ['show', 'show'], ['lst', 'show'],
    ['get', 'get'], ['flush', 'flush'], ['save', 'save'], ['restore', 'restore'], ['showdump', 'showdump'], ['help', 'help']],
  neigh: [['add', 'add'], ['change', 'change'], ['chg', 'change', 'exact'], ['replace', 'replace'], ['delete', 'delete'],
    ['get', 'get'], ['show', 'show'], ['lst', 'show'], ['list', 'show'], ['flush', 'flush'], ['help', 'help']],
  rule: [['list', 'show'], ['show', 'show'], ['lst', 'show'], ['save', 'save'], ['restore', 'restore'], ['add', 'add'],
    ['delete', 'delete'], ['flush', 'flush'], ['help', 'help']],
  nexthop: [['add', 'add'], ['replace', 'replace'], ['delete', 'delete'], ['list', 'show'], ['show', 'show'], ['lst', 'show'],
    ['get', 'get'], ['flush', 'flush'], ['bucket', 'bucket'], ['help', 'help']],
  netns: [['list', 'list'], ['show', 'list'], ['lst', 'list'], ['list-id', 'list'], ['add', 'add'], ['attach', 'attach'],
    ['set', 'set'], ['delete', 'delete'], ['identify', 'identify'], ['pids', 'pids'], ['exec', 'exec'], ['monitor', 'monitor'],
    ['help', 'help']],
  netconf: [['show', 'show'], ['list', 'show'], ['lst', 'show'], ['help', 'help']],
};

/** ip's own name for an object in its messages (`try "ip neigh help"`). */
const HELP_NAME: Record<string, string> = { link: 'link', address: 'address', route: 'route', neigh: 'neigh', rule: 'rule', nexthop: 'nexthop', netns: 'netns', netconf: 'netconf' };

/** The verb a word abbreviates, or ip's `Command "x" is unknown` exit (255). */
export function verbOf(object: string, word: string): Verb {
  const table = OBJECT_VERBS[object]!;
  const v = firstMatch(word, table);
  if (v) return v;
  throw new IpExit(`Command "${word}" is unknown, try "nlwire ${HELP_NAME[object]} help".\n${suggestion(word, table.map(([k]) => k))}`, 255);
}

/** A cursor over the words after the verb, with ip's NEXT_ARG() behaviour. */
export class Words {
  private i = 0;
  /** `help`: where ip tests a keyword with matches(*argv, "help") (any prefix of it), its usage() is called. */
  constructor(private readonly w: readonly string[], private readonly help?: () => never) {}
  get done(): boolean { return this.i >= this.w.length; }
  peek(): string | undefined { return this.w[this.i]; }
  /** The next keyword. */
  next(): string {
    const v = this.w[this.i++];
    if (v === undefined) incompleteCommand();
    if (this.help && matches(v, 'help')) this.help();
    return v;
  }
  /** ip's NEXT_ARG(): the value after a keyword, or "Command line is not complete". */
  value(): string { const v = this.w[this.i++]; if (v === undefined) incompleteCommand(); return v; }
  /** The remaining words (for `netns exec NAME CMD...`). */
  rest(): string[] { const r = this.w.slice(this.i); this.i = this.w.length; return r; }
}
