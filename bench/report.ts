import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { growthLines, readRecords, RESULTS_DIR, tableLines } from './results';

// Last step of `npm run bench`: merges every bench script's figures into bench/results/latest.json and prints
// the one table (bench/README.md lists the latest run). `--reset` (the first step of `npm run bench`) removes
// the previous run's files, so a part that failed or was left out does not show stale figures as this run's.

if (process.argv.includes('--reset')) {
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  process.exit(0);
}
const records = readRecords();
if (records.length === 0) {
  console.error('no bench results in bench/results: run `npm run bench` first');
  process.exit(1);
}
writeFileSync(path.join(RESULTS_DIR, 'latest.json'), JSON.stringify({ at: new Date().toISOString(), records }, null, 2) + '\n');
const growth = growthLines(records);
console.log(
  `\n${tableLines(records).join('\n')}\n${growth.length ? `\nGrowth with data size:\n\n${growth.join('\n')}\n` : ''}\nwritten: bench/results/latest.json`,
);
