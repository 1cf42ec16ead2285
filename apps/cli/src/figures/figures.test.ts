import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { heatmap } from './heatmap.js';
import { linePlot } from './line-plot.js';
import { escapeXml, formatTick } from './svg.js';

/** Parses `svg` as XML (throws on malformed markup) and returns the root element. */
function parseSvg(svg: string): Element {
  const { document } = new JSDOM(svg, { contentType: 'image/svg+xml' }).window;
  return document.documentElement;
}

describe('linePlot', () => {
  it('renders a standalone SVG with the title, the legend and one path per line series', () => {
    const svg = linePlot({
      title: 'Loss & accuracy <test>',
      xLabel: 'step',
      yLabel: 'nats',
      series: [
        {
          name: 'train',
          points: [
            [1, 3],
            [2, 2],
            [3, 1.5],
          ],
        },
        { name: 'val', points: [[3, 1.8]], mark: 'dot' },
      ],
      rules: [{ y: 2.4, label: 'bigram 2.4' }],
    });
    const root = parseSvg(svg);
    expect(root.tagName).toBe('svg');
    expect(root.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    const texts = Array.from(root.querySelectorAll('text'), (t) => t.textContent);
    expect(texts).toContain('Loss & accuracy <test>');
    expect(texts).toEqual(expect.arrayContaining(['train', 'val', 'bigram 2.4', 'step', 'nats']));
    expect(root.querySelectorAll('g[aria-label="line"] path')).toHaveLength(1);
    expect(root.querySelectorAll('g[aria-label="dot"] circle')).toHaveLength(1);
  });
});

describe('heatmap', () => {
  it('draws one cell per matrix entry, coloured from low to high', () => {
    const svg = heatmap({
      title: 'weights',
      xLabel: 'keys',
      yLabel: 'queries',
      panels: [{ values: [0, 0.25, 0.5, 1, 0, 0], rows: 2, cols: 3 }],
      scheme: 'reds',
    });
    const root = parseSvg(svg);
    const cells = Array.from(root.querySelectorAll('g[aria-label="cell"] rect'));
    expect(cells).toHaveLength(6);
    // Entries 0 and 1 are the extremes of the colour scale, so they differ.
    expect(cells[0]!.getAttribute('fill')).not.toBe(cells[3]!.getAttribute('fill'));
    expect(cells[0]!.getAttribute('fill')).toBe(cells[4]!.getAttribute('fill'));
    expect(root.querySelectorAll('linearGradient stop')).toHaveLength(11);
  });

  it('lays out several panels with their captions', () => {
    const panels = [0, 1, 2].map((h) => ({ label: `head ${h}`, values: [h, 1, 2, 3], rows: 2, cols: 2 }));
    const root = parseSvg(heatmap({ title: 'heads', xLabel: 'k', yLabel: 'q', panels, columns: 3 }));
    expect(root.querySelectorAll('g[aria-label="cell"] rect')).toHaveLength(12);
    const texts = Array.from(root.querySelectorAll('text'), (t) => t.textContent);
    expect(texts).toEqual(expect.arrayContaining(['head 0', 'head 1', 'head 2']));
  });

  it('throws when there is no panel', () => {
    expect(() => heatmap({ title: 't', xLabel: 'x', yLabel: 'y', panels: [] })).toThrow('at least one panel');
  });
});

describe('escapeXml', () => {
  it('escapes the five XML special characters', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;',
    );
  });
});

describe('formatTick', () => {
  it('keeps 3 significant digits and shows values negligible for the span as 0', () => {
    expect(formatTick(0.123456)).toBe('0.123');
    expect(formatTick(8e-7, 2)).toBe('0');
    expect(formatTick(12345)).toBe('1.2e+4');
  });
});
