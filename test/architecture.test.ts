import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const domainDir = join(root, 'gateway/src/domain');
const forbidden = /^(node:|fs$|net$|http$|https$|mqtt|aedes|fastify|@fastify\/|better-sqlite3|@influxdata\/|node-cron)/;
const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(importRe)].map((m) => (m[1] ?? m[2]) as string);
}

describe('architecture', () => {
  it('keeps the domain core free of I/O imports (STYLE rule 2)', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(domainDir)) {
      for (const spec of importsOf(file)) {
        if (forbidden.test(spec)) offenders.push(`${relative(root, file)} imports ${spec}`);
        if (spec.startsWith('.') && !resolve(dirname(file), spec).startsWith(domainDir)) {
          offenders.push(`${relative(root, file)} reaches outside the domain: ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('keeps the domain core off the wall clock (STYLE rule 10)', () => {
    const offenders = sourceFiles(domainDir).filter((f) => /Date\.now\(\)|new Date\(\)/.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it('keeps the application layer on its ports: no app module imports an adapter (only compose.ts wires them)', () => {
    const appDir = join(root, 'gateway/src/app');
    const adaptersDir = join(root, 'gateway/src/adapters');
    const offenders: string[] = [];
    for (const file of sourceFiles(appDir)) {
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.') && resolve(dirname(file), spec).startsWith(adaptersDir)) {
          offenders.push(`${relative(root, file)} imports ${spec}`);
        }
        if (/^(mqtt|aedes|fastify|@fastify\/|better-sqlite3|@influxdata\/|node-cron)/.test(spec)) {
          offenders.push(`${relative(root, file)} imports ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
    // The composition root is where adapters and services meet, and the Gateway's constructor only assigns parts.
    expect(importsOf(join(root, 'gateway/src/compose.ts')).some((s) => s.startsWith('./adapters/'))).toBe(true);
    const gatewaySource = readFileSync(join(root, 'gateway/src/gateway.ts'), 'utf8');
    const ctor = gatewaySource.slice(gatewaySource.indexOf('constructor(parts: GatewayParts)'));
    const body = ctor.slice(ctor.indexOf('{') + 1, ctor.indexOf('\n  }\n'));
    const statements = body
      .split(';')
      .map((l) => l.trim())
      .filter(Boolean);
    expect(statements.every((l) => /^this\.\w+ = parts\.\w+$/.test(l))).toBe(true);
  });

  it('has no import cycles in gateway, broker or simulators', () => {
    const files = ['gateway/src', 'broker/src', 'simulators/src'].flatMap((d) => sourceFiles(join(root, d)));
    const graph = new Map<string, string[]>();
    for (const file of files) {
      const deps = importsOf(file)
        .filter((s) => s.startsWith('.'))
        .map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
      graph.set(file, deps);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    function visit(node: string): void {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'visiting') {
        cycles.push([...stack.slice(stack.indexOf(node)), node].map((f) => relative(root, f)).join(' -> '));
        return;
      }
      state.set(node, 'visiting');
      stack.push(node);
      for (const dep of graph.get(node) ?? []) if (graph.has(dep)) visit(dep);
      stack.pop();
      state.set(node, 'done');
    }
    for (const file of graph.keys()) visit(file);
    expect(cycles).toEqual([]);
  });
});
