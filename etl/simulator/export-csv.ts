import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

// A source table's export as its vendor ships one for an initial load: CSV in the table's own columns, a header
// first, UTF-8; NULL as \N and every text value quoted, so an empty text is told apart from a missing one.

/** One value as the export writes it (exportCsv's rows, or a writer that builds its lines itself). */
export const csvField = (v: unknown): string => {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return `"${String(v).replace(/"/g, '""')}"`;
};

const CHUNK = 256 * 1024;
const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;

/**
 * An export's bytes written value by value into buffers, as csvField and the lines' joins would give them: a
 * day's export is some 70,000 lines, and a string per value, per line and for the whole text (then its UTF-8
 * copy) kept the simulator's collector busy for a third of its time.
 */
export class CsvBytes {
  private readonly chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private rowStart = true;
  /** Lines ended so far. */
  lines = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, n));
    this.pos = 0;
  }

  private comma(): void {
    if (this.rowStart) this.rowStart = false;
    else {
      this.room(1);
      this.buf[this.pos++] = COMMA;
    }
  }

  /** Text as it stands (a header line's names, a field already written as CSV). */
  raw(text: string): this {
    this.comma();
    this.room(text.length * 3);
    this.pos += this.buf.write(text, this.pos);
    return this;
  }

  /** One value, as csvField writes it. */
  field(v: unknown): this {
    if (v === null || v === undefined) return this.raw('\\N');
    if (typeof v === 'number' || typeof v === 'bigint') return this.raw(String(v));
    let s = String(v);
    if (s.includes('"')) s = s.replace(/"/g, '""');
    this.comma();
    this.room(s.length * 3 + 2);
    const b = this.buf;
    b[this.pos++] = QUOTE;
    this.pos += b.write(s, this.pos);
    b[this.pos++] = QUOTE;
    return this;
  }

  /** A line of values. */
  row(values: readonly unknown[]): void {
    for (let i = 0; i < values.length; i++) this.field(values[i]);
    this.end();
  }

  /** Ends the line. */
  end(): void {
    this.room(1);
    this.buf[this.pos++] = LF;
    this.rowStart = true;
    this.lines++;
  }

  /** Everything written, as one buffer. */
  bytes(): Buffer {
    return Buffer.concat([...this.chunks, this.buf.subarray(0, this.pos)]);
  }
}

/** The CSV bytes of `rows` (values in `columns` order) under a header of `columns`. */
export function exportCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): Buffer {
  const out = new CsvBytes();
  out.raw(columns.join(',')).end();
  for (const r of rows) out.row(r);
  return out.bytes();
}

/** Writes the file whole or not at all (a reader never sees half of it). */
export async function writeExport(file: string, data: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.part`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}
