import type { z } from 'zod';

type Def = { type: string; [field: string]: unknown };
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } })?._zod?.def;

/** The object schemas a value at `path` is checked against (several under a union), unwrapping optional and the like. */
function objectsAt(schema: unknown, path: readonly PropertyKey[], value: unknown): Def[] {
  const def = defOf(schema);
  if (!def) return [];
  if (def.type === 'union') {
    // A discriminated union: the option the value names, when it names one.
    const options = def.options as unknown[];
    const tag =
      typeof def.discriminator === 'string' ? (value as Record<string, unknown>)?.[def.discriminator] : undefined;
    const named = options.filter((o) => {
      const field = (defOf(o)?.shape as Record<string, unknown> | undefined)?.[String(def.discriminator)];
      return tag !== undefined && (defOf(field)?.values as unknown[] | undefined)?.includes(tag);
    });
    return (named.length > 0 ? named : options).flatMap((o) => objectsAt(o, path, value));
  }
  if (def.type === 'intersection') return [...objectsAt(def.left, path, value), ...objectsAt(def.right, path, value)];
  if (def.type === 'pipe') return objectsAt(def.in, path, value);
  if ('innerType' in def && def.type !== 'object') return objectsAt(def.innerType, path, value);
  if (path.length === 0) return def.type === 'object' ? [def] : [];
  const [head, ...rest] = path;
  const child = (value as Record<PropertyKey, unknown> | undefined)?.[head as PropertyKey];
  if (def.type === 'object') {
    const field = (def.shape as Record<string, unknown>)[String(head)];
    return field ? objectsAt(field, rest, child) : [];
  }
  if (def.type === 'array') return objectsAt(def.element, rest, child);
  if (def.type === 'record') return objectsAt(def.valueType, rest, child);
  return [];
}

/** The keys an object at `path` of the document `input` may have, or null when the path cannot be followed. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[], input?: unknown): ReadonlySet<string> | null {
  const objects = objectsAt(schema, path, input);
  if (objects.length === 0) return null;
  return new Set(objects.flatMap((o) => Object.keys(o.shape as Record<string, unknown>)));
}

/** Optimal string alignment distance (a swap of two neighbours is one edit). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known key a mistyped one most likely meant: same letters but case, one the prefix of the other (a unit or plural
 * more or less), or within 2 edits (1 for short keys).
 */
export function closestKey(key: string, known: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    if (candidate.toLowerCase() === key.toLowerCase()) return candidate;
    // perStay for perStayFen, capsFen for caps: one is the other with a unit or a plural more.
    if (key.length >= 4 && (candidate.startsWith(key) || key.startsWith(candidate)) && candidate.length >= 4) {
      return candidate;
    }
    const d = distance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = key.length <= 4 ? 1 : 2;
  return bestDistance <= limit ? best : null;
}

/**
 * One problem per unknown key of an `unrecognized_keys` issue, at the key's own path, suggesting the key it most
 * likely meant; other issues as they are.
 */
export function issueProblems(
  issue: z.core.$ZodIssue,
  schema: z.ZodType,
  input: unknown,
): { path: readonly PropertyKey[]; message: string }[] {
  if (issue.code !== 'unrecognized_keys') return [{ path: issue.path, message: issue.message }];
  const known = keysAt(schema, issue.path, input) ?? new Set<string>();
  return issue.keys.map((key) => {
    const meant = closestKey(key, known);
    const allowed = [...known].join(', ');
    return {
      path: [...issue.path, key],
      message: meant
        ? `unknown field "${key}": did you mean "${meant}"?`
        : `unknown field "${key}"${allowed ? ` (allowed here: ${allowed})` : ''}`,
    };
  });
}
