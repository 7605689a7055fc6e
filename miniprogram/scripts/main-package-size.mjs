// Prints the weapp main package size and checks the build against app.json and src/pages.
// WeChat refuses a main package over 2 MB; our budget is 1 MB so there is room to grow.
// Usage: node scripts/main-package-size.mjs [distDir]   (after `npm run build:weapp`)
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.resolve(process.argv[2] ?? path.join(root, 'dist/weapp'));
const BUDGET = 1024 * 1024;
// The developer tools upload code, styles, templates, config and images; licence notes stay behind.
const UPLOADED = /\.(js|json|wxml|wxss|wxs|png|jpe?g|gif|svg|webp)$/;

if (!existsSync(path.join(dist, 'app.json'))) {
  console.error(`no ${path.relative(process.cwd(), dist)}/app.json: run npm run build:weapp first`);
  process.exit(1);
}
const app = JSON.parse(readFileSync(path.join(dist, 'app.json'), 'utf8'));
const subRoots = (app.subPackages ?? app.subpackages ?? []).map((p) => p.root.replace(/\/$/, '') + '/');

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

let main = 0;
let sub = 0;
const biggest = [];
for (const file of walk(dist)) {
  const rel = path.relative(dist, file).split(path.sep).join('/');
  if (!UPLOADED.test(rel) || rel === 'project.config.json') continue;
  const size = statSync(file).size;
  if (subRoots.some((r) => rel.startsWith(r))) sub += size;
  else {
    main += size;
    biggest.push({ rel, size });
  }
}

// Every page folder in src/pages must be in app.json, and every page in app.json must have been emitted.
const srcPages = walk(path.join(root, 'src/pages'))
  .filter((f) => f.endsWith(`${path.sep}index.tsx`))
  .map((f) =>
    path
      .relative(path.join(root, 'src'), f)
      .split(path.sep)
      .join('/')
      .replace(/\.tsx$/, ''),
  );
const listed = [
  ...app.pages,
  ...(app.subPackages ?? []).flatMap((p) => p.pages.map((page) => `${p.root.replace(/\/$/, '')}/${page}`)),
];
const problems = [];
for (const page of srcPages) if (!listed.includes(page)) problems.push(`${page} is not listed in app.json`);
for (const page of listed) {
  for (const ext of ['.js', '.json', '.wxml']) {
    if (!existsSync(path.join(dist, page + ext))) problems.push(`${page}${ext} missing from the build`);
  }
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`weapp build: ${path.relative(process.cwd(), dist) || '.'}`);
console.log(`pages in app.json: ${listed.length} (${srcPages.length} page folders in src/pages)`);
console.log(`main package: ${kb(main)} of ${kb(BUDGET)} budget (WeChat limit 2048.0 KB)`);
if (sub > 0) console.log(`subpackages: ${kb(sub)}`);
console.log('largest files:');
for (const f of biggest.sort((a, b) => b.size - a.size).slice(0, 5)) {
  console.log(`  ${kb(f.size).padStart(10)}  ${f.rel}`);
}
if (main > BUDGET) problems.push(`main package ${kb(main)} is over the ${kb(BUDGET)} budget`);
if (problems.length > 0) {
  for (const p of problems) console.error(`✖ ${p}`);
  process.exit(1);
}
