// `npm run api:access`: rewrites the procedure table in docs/api.md from the router.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { accessTable } from '@aigrid/api/access-table';
import { REPO_ROOT } from '../services/paths';

const file = path.join(REPO_ROOT, 'docs/api.md');
const start = '<!-- procedures:start -->';
const end = '<!-- procedures:end -->';
const doc = readFileSync(file, 'utf8');
const before = doc.slice(0, doc.indexOf(start) + start.length);
const after = doc.slice(doc.indexOf(end));
writeFileSync(file, `${before}\n${accessTable()}\n${after}`);
console.log(`updated ${path.relative(REPO_ROOT, file)}`);
