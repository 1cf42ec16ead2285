// Reads the marks of a figure back out of the SVG that vega wrote: cells, lines, texts, legend.

/** `{ x, y, v, fill }` of every heatmap cell, from the rect marks' aria labels and fills. */
export function cells(svg: string): { key: number; query: number; value: number; fill: string }[] {
  const out = [];
  for (const m of svg.matchAll(
    /<path aria-label="[^:"]+: (\d+); [^:"]+: (\d+); v: ([^"]+)" role="graphics-symbol" aria-roledescription="rect mark" d="[^"]*" fill="([^"]+)"/g,
  )) {
    out.push({
      key: Number(m[1]),
      query: Number(m[2]),
      value: Number(m[3]!.replace('\u2212', '-')),
      fill: m[4]!,
    });
  }
  return out;
}

/** Text content of every `<text>` element of the given role (axis-title, axis-label, legend-label, …). */
export function texts(svg: string, role: string): string[] {
  const group = [...svg.matchAll(new RegExp(`<g class="mark-text role-${role}"[^>]*>(.*?)</g>`, 'g'))];
  return group.flatMap((g) => [...g[1]!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => t[1]!));
}

/** Number of `<path>` elements inside mark groups of `role-mark` with the given mark type. */
export function markCount(svg: string, type: string): number {
  const groups = [...svg.matchAll(new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*>(.*?)</g>`, 'g'))];
  return groups.reduce((n, g) => n + (g[1]!.match(/<path /g)?.length ?? 0), 0);
}
