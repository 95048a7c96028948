// Doc coverage of the public API, as TypeDoc (the API reference generator) sees it: every export
// of every entry point, and every public member of an exported class.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

interface Reflection {
  name: string; kind: number; flags?: { isPrivate?: boolean; isExternal?: boolean };
  comment?: unknown; signatures?: Array<{ comment?: unknown }>; getSignature?: { comment?: unknown };
  children?: Reflection[]; sources?: Array<{ fileName: string; line: number }>;
}
const KIND = { Variable: 32, Function: 64, Class: 128, Interface: 256, TypeAlias: 2097152, Enum: 8, Method: 2048, Accessor: 262144, Constructor: 512 };

test('every public export has a doc comment (TypeDoc)', () => {
  mkdirSync('build', { recursive: true });
  const out = resolve('build', 'typedoc.json');
  // TypeDoc's own validation too: undocumented members, links to names that do not exist.
  const r = spawnSync(process.execPath, [resolve('node_modules/typedoc/bin/typedoc'), '--json', out, '--treatValidationWarningsAsErrors'], { encoding: 'utf8' });
  assert.is(r.status, 0, `typedoc:\n${r.stdout}${r.stderr}`);
  const project = JSON.parse(readFileSync(out, 'utf8')) as Reflection;
  const seen = new Map<string, boolean>(); // one declaration exported from two entries counts once
  const documented = (x: Reflection): boolean => Boolean(x.comment || x.signatures?.some((s) => s.comment) || x.getSignature?.comment);
  const note = (x: Reflection, owner = ''): void => {
    const src = x.sources?.[0];
    seen.set(`${src ? `${src.fileName}:${src.line}` : '?'} ${owner}${x.name}`, documented(x));
  };
  for (const entry of project.children ?? []) {
    for (const x of entry.children ?? []) {
      if (![KIND.Variable, KIND.Function, KIND.Class, KIND.Interface, KIND.TypeAlias, KIND.Enum].includes(x.kind)) continue;
      note(x);
      if (x.kind !== KIND.Class) continue;
      for (const m of x.children ?? []) {
        if ((m.kind === KIND.Method || m.kind === KIND.Accessor) && !m.flags?.isPrivate && !m.name.startsWith('[')) note(m, `${x.name}.`);
      }
    }
  }
  const missing = [...seen].filter(([, ok]) => !ok).map(([k]) => k).sort();
  const pct = (100 * (seen.size - missing.length)) / seen.size;
  console.log(`  doc coverage: ${seen.size - missing.length} of ${seen.size} public declarations (${pct.toFixed(1)}%)`);
  assert.equal(missing, [], `${missing.length} public declarations without a doc comment`);
});

test.run();
