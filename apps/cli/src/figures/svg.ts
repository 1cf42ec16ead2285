import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';

const SVG_NS = 'http://www.w3.org/2000/svg';
const TITLE_HEIGHT = 30;
/** Narrow charts are padded to this width so the title and legend fit. */
export const MIN_WIDTH = 360;

let document: Document | null = null;

/** A DOM document for Observable Plot to render into (jsdom: Node has no DOM). */
export function plotDocument(): Document {
  document ??= new JSDOM('').window.document;
  return document;
}

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

/** Parts of a standalone figure: a title, an optional legend strip and Observable Plot's chart. */
export interface FigureParts {
  readonly title: string;
  /** The chart: the `<svg>` element that `Plot.plot` returns. */
  readonly chart: Element;
  /** SVG markup of a legend, drawn in a strip `legendHeight` high under the title. */
  readonly legend?: string;
  readonly legendHeight?: number;
}

/**
 * One standalone SVG document (with the `xmlns` attribute, so it opens outside a web page): the
 * title on top, then the legend, then the chart nested at its own size, on a white background.
 */
export function composeFigure(parts: FigureParts): string {
  const width = Math.max(MIN_WIDTH, Number(parts.chart.getAttribute('width')));
  const chartHeight = Number(parts.chart.getAttribute('height'));
  const legendHeight = parts.legend === undefined ? 0 : (parts.legendHeight ?? 24);
  const height = TITLE_HEIGHT + legendHeight + chartHeight;
  parts.chart.setAttribute('x', '0');
  parts.chart.setAttribute('y', String(TITLE_HEIGHT + legendHeight));
  return [
    `<svg xmlns="${SVG_NS}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="10">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(parts.title)}</text>`,
    parts.legend === undefined ? '' : `<g transform="translate(0, ${TITLE_HEIGHT})">${parts.legend}</g>`,
    parts.chart.outerHTML,
    '</svg>',
    '',
  ].join('\n');
}

/**
 * Writes `svg` to `dir/name` (creating `dir`) and returns the path.
 */
export async function writeFigure(dir: string, name: string, svg: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, svg);
  return path;
}

/** Formats a number for axis and legend labels: 3 significant digits. */
export function formatTick(value: number, span = Math.abs(value)): string {
  if (value === 0 || Math.abs(value) < span * 1e-6) return '0';
  const abs = Math.abs(value);
  return abs >= 1e4 || abs < 1e-3 ? value.toExponential(1) : String(Number(value.toPrecision(3)));
}
