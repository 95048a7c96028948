// nlwire -batch against ip -batch on the same files: exit status, failure lines, kernel state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { batchWords } from '../src/cli/batch.js';
import { withNetns, type TestNetns } from './helpers/netns.js';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

function setup(ns: TestNetns): void {
  ns.ip('link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd0p');
  ns.ip('link', 'set', 'd0', 'up');
  ns.ip('link', 'set', 'd0p', 'up');
  ns.ip('addr', 'add', '10.0.0.1/24', 'dev', 'd0');
}
const routes = (ns: TestNetns): string[] => ns.ipJson<Array<{ dst: string; gateway?: string }>>('route', 'show', 'proto', 'boot').map((r) => `${r.dst} ${r.gateway ?? ''}`).sort();
const failedLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('Command failed'));

const SCRIPT = [
  'route add 20.0.0.1/32 via 10.0.0.2',
  '# a comment',
  '',
  'route add 20.0.0.1/32 via 10.0.0.2   # exists',
  'addr add 10.0.0.5/32 dev d0',
  'route add 20.0.0.2/32 via 10.0.0.2',
  'route add 20.0.0.3/32 via 198.51.100.1',
  'route add 20.0.0.4/32 via 10.0.0.2',
].join('\n') + '\n';

for (const force of [false, true]) {
  test(`-batch -${force ? '' : 'no-'}force: same exit status, failure lines and kernel state as ip -batch`, async () => {
    const run = (cmd: string, args: string[]): Promise<{ status: number | null; stderr: string; routes: string[] }> =>
      withNetns('cli-batch', (ns) => {
        setup(ns);
        const r = spawnSync(cmd, [...args.map((a) => a.replace('NS', ns.name)), ...(force ? ['-force'] : [])], { input: SCRIPT, encoding: 'utf8' });
        return { status: r.status, stderr: r.stderr, routes: routes(ns) };
      });
    const ip = await run('ip', ['-n', 'NS', '-batch', '-']);
    const nl = await run(process.execPath, [...CLI, '-n', 'NS', '-batch', '-']);
    assert.is(nl.status, ip.status, nl.stderr);
    assert.equal(failedLines(nl.stderr), failedLines(ip.stderr));
    assert.equal(nl.routes, ip.routes);
  });
}

test('batch lines split as ip makeargs does', () => {
  assert.equal(batchWords('  route add 1.2.3.0/24   via 10.0.0.2 # c'), ['route', 'add', '1.2.3.0/24', 'via', '10.0.0.2']);
  assert.equal(batchWords('link set d0 alias "two words"'), ['link', 'set', 'd0', 'alias', 'two words']);
  assert.equal(batchWords('# only a comment'), []);
});

test.run();
