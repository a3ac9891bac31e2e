// Writes a gzipped copy (.gz, best compression) beside every text file of dist/, which nginx serves as it is
// (gzip_static) to clients that take gzip: no compressing per request, and smaller than on the fly.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const files = (dir) => readdirSync(dir).flatMap((f) => statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]);
let count = 0;
for (const file of files(dist)) {
  if (!/\.(js|mjs|css|html|svg|json)$/.test(file)) continue;
  writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: 9 }));
  count++;
}
console.log(`compress: ${count} files of dist/ gzipped beside them`);
