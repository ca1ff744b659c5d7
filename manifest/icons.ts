/**
 * Draws the app icons: an escalation ladder (three rising bars) inside a ring.
 * color.png: 192×192, white emblem on the accent colour. outline.png: 32×32, white on transparent.
 * Run `node --import tsx manifest/icons.ts` to write both beside this file.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodePng } from './png.js';

export const ACCENT = [0x1f, 0x5c, 0x99] as const;

interface Emblem {
  readonly ringOuter: number;
  readonly ringInner: number;
  readonly barWidth: number;
  readonly barGap: number;
  readonly barBase: number;
  readonly barHeights: readonly number[];
}

/** Whether the unit-square point (x, y) is inside the emblem. */
function inside(e: Emblem, x: number, y: number): boolean {
  const r = Math.hypot(x - 0.5, y - 0.5);
  if (r <= e.ringOuter && r >= e.ringInner) return true;
  const total = e.barHeights.length * e.barWidth + (e.barHeights.length - 1) * e.barGap;
  const left = 0.5 - total / 2;
  return e.barHeights.some((h, i) => {
    const x0 = left + i * (e.barWidth + e.barGap);
    return x >= x0 && x < x0 + e.barWidth && y <= e.barBase && y > e.barBase - h;
  });
}

/** Coverage of each pixel by the emblem, from 4×4 samples (anti-aliased edges). */
function coverage(size: number, e: Emblem): Float64Array {
  const out = new Float64Array(size * size);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < n; sy++) for (let sx = 0; sx < n; sx++) if (inside(e, (px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size)) hits++;
      out[py * size + px] = hits / (n * n);
    }
  }
  return out;
}

export function drawColorIcon(): Buffer {
  const size = 192;
  const cover = coverage(size, { ringOuter: 0.36, ringInner: 0.31, barWidth: 0.085, barGap: 0.045, barBase: 0.64, barHeights: [0.12, 0.2, 0.28] });
  const rgba = new Uint8Array(size * size * 4);
  cover.forEach((c, i) => {
    for (let k = 0; k < 3; k++) rgba[i * 4 + k] = Math.round(ACCENT[k]! * (1 - c) + 255 * c);
    rgba[i * 4 + 3] = 255;
  });
  return encodePng(size, size, rgba);
}

export function drawOutlineIcon(): Buffer {
  const size = 32;
  const cover = coverage(size, { ringOuter: 0.48, ringInner: 0.39, barWidth: 0.11, barGap: 0.06, barBase: 0.7, barHeights: [0.16, 0.26, 0.38] });
  const rgba = new Uint8Array(size * size * 4);
  cover.forEach((c, i) => rgba.set([255, 255, 255, Math.round(255 * c)], i * 4));
  return encodePng(size, size, rgba);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('./color.png', import.meta.url), drawColorIcon());
  writeFileSync(new URL('./outline.png', import.meta.url), drawOutlineIcon());
  console.log('wrote manifest/color.png (192x192) and manifest/outline.png (32x32)');
}
