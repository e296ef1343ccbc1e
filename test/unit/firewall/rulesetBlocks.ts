// Splits a rendered tibox table into its blocks (each counter, set, map and chain) by kind and name,
// so a variant's golden file can hold only the blocks in which it differs.

export function blocks(ruleset: string): Map<string, string> {
  const found = new Map<string, string>();
  let open: { key: string; lines: string[] } | undefined;
  for (const line of ruleset.split('\n')) {
    const head = /^ {2}(counter|set|map|chain) (\S+) \{/.exec(line);
    if (head) {
      const key = `${head[1]} ${head[2]}`;
      if (line.endsWith('}')) found.set(key, `${line}\n`);
      else open = { key, lines: [line] };
    } else if (open) {
      open.lines.push(line);
      if (line === '  }') {
        found.set(open.key, `${open.lines.join('\n')}\n`);
        open = undefined;
      }
    }
  }
  return found;
}
