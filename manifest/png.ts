/** Minimal PNG encoding (8-bit RGBA, no filtering) and header reading, with node:zlib only. */
import { crc32, deflateSync, inflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** Encodes `rgba` (width × height × 4 bytes, row by row) as a PNG file. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new Error(`expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter method, no interlace
  const rows = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) rows.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  /** 6 = RGBA, 2 = RGB, 3 = palette, 0 = grey, 4 = grey + alpha. */
  readonly colourType: number;
}

/** Reads the IHDR of a PNG file; throws when the bytes are not a PNG. */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 33 || !b.subarray(0, 8).equals(PNG_SIGNATURE) || b.toString('ascii', 12, 16) !== 'IHDR') throw new Error('not a PNG file');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bitDepth: b[24]!, colourType: b[25]! };
}

/** The RGBA pixels of a PNG written by `encodePng` (8-bit RGBA, unfiltered rows). */
export function readPngPixels(bytes: Uint8Array): { header: PngHeader; rgba: Uint8Array } {
  const header = readPngHeader(bytes);
  if (header.bitDepth !== 8 || header.colourType !== 6) throw new Error('only 8-bit RGBA PNGs can be read back');
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data: Buffer[] = [];
  for (let at = 8; at < b.length; at += 12 + b.readUInt32BE(at)) if (b.toString('ascii', at + 4, at + 8) === 'IDAT') data.push(b.subarray(at + 8, at + 8 + b.readUInt32BE(at)));
  const rows = inflateSync(Buffer.concat(data));
  const stride = header.width * 4;
  const rgba = new Uint8Array(header.height * stride);
  for (let y = 0; y < header.height; y++) {
    if (rows[y * (stride + 1)] !== 0) throw new Error('only unfiltered PNG rows can be read back');
    rgba.set(rows.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { header, rgba };
}
