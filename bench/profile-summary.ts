/**
 * Top self-time functions of a V8 `.cpuprofile` (from `node --cpu-prof`):
 * `tsx bench/profile-summary.ts file.cpuprofile|folder [--top 25] [--callers functionName]` (a folder: its largest
 * profile, the main thread's; `--callers`: the stacks that spend a function's self time).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  share: number;
}

const repo = resolve(import.meta.dirname, '..');

function where(url: string, line: number): string {
  if (!url) return '';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const shown = path.includes('/node_modules/')
    ? path.slice(path.lastIndexOf('/node_modules/') + '/node_modules/'.length)
    : relative(repo, path);
  return `${shown}:${line + 1}`;
}

/** Self time per function (same name and place merged), largest first; idle and GC are listed like functions. */
export function selfTimes(profile: CpuProfile): { total: number; rows: SelfTime[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, { name: string; where: string; ms: number }>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!node) continue;
    const name = node.callFrame.functionName || '(anonymous)';
    const at = where(node.callFrame.url, node.callFrame.lineNumber);
    const key = `${name}@${at}`;
    const row = ms.get(key) ?? { name, where: at, ms: 0 };
    row.ms += dt;
    ms.set(key, row);
    total += dt;
  }
  const rows = [...ms.values()].map((r) => ({ ...r, share: r.ms / total })).sort((a, b) => b.ms - a.ms);
  return { total, rows };
}

/** Who calls `name` (self time of `name` split by call stack, `depth` frames up), largest first. */
export function callers(profile: CpuProfile, name: string, depth = 4): { stack: string; ms: number }[] {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const stacks = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    if (!node || node.callFrame.functionName !== name) continue;
    const frames: string[] = [];
    let id = parent.get(node.id);
    while (id !== undefined && frames.length < depth) {
      const frame = byId.get(id)!.callFrame;
      frames.push(`${frame.functionName || '(anonymous)'} ${where(frame.url, frame.lineNumber)}`);
      id = parent.get(id);
    }
    const key = frames.join(' < ');
    stacks.set(key, (stacks.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return [...stacks.entries()].map(([stack, ms]) => ({ stack, ms })).sort((a, b) => b.ms - a.ms);
}

/** The same, grouped by package (node_modules) or repo folder, for a coarser picture. */
export function byArea(rows: readonly SelfTime[]): { area: string; ms: number; share: number }[] {
  const areas = new Map<string, number>();
  for (const r of rows) {
    const area =
      r.where === ''
        ? r.name
        : r.where
            .split('/')
            .slice(0, r.where.startsWith('@') ? 2 : 1)
            .join('/');
    areas.set(area, (areas.get(area) ?? 0) + r.ms);
  }
  const total = rows.reduce((s, r) => s + r.ms, 0);
  return [...areas.entries()].map(([area, ms]) => ({ area, ms, share: ms / total })).sort((a, b) => b.ms - a.ms);
}

/** A profile file, or the main thread's profile in a folder of one process (the largest file there). */
export function profileFile(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const files = readdirSync(path)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(path, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  if (!files[0]) throw new Error(`no .cpuprofile in ${path}`);
  return files[0];
}

function main(): void {
  const arg = process.argv[2];
  if (!arg) {
    process.stderr.write('usage: tsx bench/profile-summary.ts file.cpuprofile|folder [--top N]\n');
    process.exit(2);
  }
  const file = profileFile(arg);
  const topArg = process.argv.indexOf('--top');
  const top = topArg > 0 ? Number(process.argv[topArg + 1]) : 25;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const callersArg = process.argv.indexOf('--callers');
  if (callersArg > 0) {
    for (const c of callers(profile, process.argv[callersArg + 1] ?? '', 6).slice(0, 10)) {
      process.stdout.write(`${c.ms.toFixed(0).padStart(7)} ms  ${c.stack}\n`);
    }
    return;
  }
  const { total, rows } = selfTimes(profile);
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  const out = [`${file}: ${Math.round(total)} ms sampled`, '', 'self time by function:'];
  for (const r of rows.slice(0, top)) {
    out.push(`${pct(r.share)} ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}  ${r.where}`);
  }
  out.push('', 'self time by package or folder:');
  for (const a of byArea(rows).slice(0, 15)) out.push(`${pct(a.share)} ${a.ms.toFixed(0).padStart(7)} ms  ${a.area}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

if (process.argv[1] === import.meta.filename) main();
