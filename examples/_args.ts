// Tiny argument helper shared by the examples: `--netns NAME` and `--count N`.
export function exampleArgs(argv = process.argv.slice(2)): { netns?: string; count?: number; rest: string[] } {
  const out: { netns?: string; count?: number; rest: string[] } = { rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--netns' || a === '-n') out.netns = argv[++i];
    else if (a === '--count') out.count = Number(argv[++i]);
    else out.rest.push(a);
  }
  return out;
}
