import { readFile } from 'node:fs/promises';

/**
 * The records of a JSON Lines export (one record per line, as a vendor's API sends them), in file order. A line
 * that is not JSON fails the load, saying where: an export is written whole, so a broken one is not partly read.
 */
export async function readJsonLines(file: string): Promise<Record<string, unknown>[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const records: Record<string, unknown>[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '') continue;
    try {
      records.push(JSON.parse(lines[i]!) as Record<string, unknown>);
    } catch {
      throw new Error(`${file}: line ${i + 1} is not JSON`);
    }
  }
  return records;
}
