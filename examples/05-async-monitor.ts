// Seed 5: an asynchronous monitor that keeps doing other work. The C original used epoll with
// edge-triggered, non-blocking recv; in Node the socket sits in the event loop (libuv), so a
// timer keeps firing on schedule while events stream in.
//   npx tsx examples/05-async-monitor.ts [--netns NAME] [--count N]
import { Rtnl } from 'nlwire/route';
import { exampleArgs } from './_args.js';

const { netns, count } = exampleArgs();
using rt = Rtnl.open(netns ? { netns } : {});
const ac = new AbortController();
process.once('SIGINT', () => ac.abort());

let ticks = 0;
let events = 0;
const work = setInterval(() => {
  ticks++;
  console.log(`[work] tick ${ticks}: still busy with other things (${events} events so far)`);
}, 250);

try {
  for await (const ev of rt.monitor(['link', 'address', 'route'], { signal: ac.signal })) {
    if (ev.action === 'new' || ev.action === 'del') {
      events++;
      console.log(`[event] ${ev.action} ${ev.kind}`);
      if (count && events >= count) break;
    }
  }
} finally {
  clearInterval(work);
  console.log(`done: ${events} events, ${ticks} ticks of other work`);
}
