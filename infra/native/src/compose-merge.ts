/**
 * Compose's merge of several files (`docker compose -f a.yml -f b.yml`), as the Compose
 * specification's "Merge" section states it, for what hoptrace's override files use:
 *   - mappings merge key by key, the later file winning (x-native, depends_on, healthcheck, …);
 *   - `command`, `entrypoint` and `healthcheck.test` are replaced, not appended;
 *   - `environment` merges per variable, whether written as a mapping or a list;
 *   - `ports` append, unique by published/target/protocol; `volumes` by their target path;
 *   - any other sequence appends.
 * Each file is parsed (its anchors and `<<` merge keys resolved) before merging, as Compose does.
 */
type Raw = Record<string, unknown>;

const isMapping = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Paths whose value the later file replaces. */
const REPLACED = new Set(['command', 'entrypoint', 'healthcheck.test']);

function environmentMap(value: unknown): Raw {
  if (isMapping(value)) return value;
  if (!Array.isArray(value)) return {};
  return Object.fromEntries(
    value.map(String).map((entry) => {
      const eq = entry.indexOf('=');
      return eq < 0 ? [entry, null] : [entry.slice(0, eq), entry.slice(eq + 1)];
    }),
  );
}

function portKey(entry: unknown): string {
  if (isMapping(entry)) return `${entry.host_ip ?? ''}|${entry.published ?? ''}|${entry.target}|${entry.protocol ?? 'tcp'}`;
  const [spec = '', protocol = 'tcp'] = String(entry).split('/');
  const parts = spec.split(':');
  const target = parts.at(-1);
  const published = parts.length >= 2 ? parts.at(-2) : '';
  const ip = parts.length >= 3 ? parts.slice(0, -2).join(':') : '';
  return `${ip}|${published}|${target}|${protocol}`;
}

function volumeKey(entry: unknown): string {
  if (isMapping(entry)) return String(entry.target);
  const parts = String(entry).split(':');
  return parts.length === 1 ? parts[0]! : parts[1]!;
}

function uniqueBy(base: unknown[], override: unknown[], key: (e: unknown) => string): unknown[] {
  const merged = new Map(base.map((e) => [key(e), e]));
  for (const e of override) merged.set(key(e), e);
  return [...merged.values()];
}

function mergeAt(path: string, base: unknown, override: unknown): unknown {
  const leaf = path.replace(/^services\.[^.]+\./, '');
  if (override === undefined) return base;
  if (REPLACED.has(leaf) || base === undefined) return override;
  if (leaf === 'environment') return { ...environmentMap(base), ...environmentMap(override) };
  if (Array.isArray(base) && Array.isArray(override)) {
    if (leaf === 'ports') return uniqueBy(base, override, portKey);
    if (leaf === 'volumes') return uniqueBy(base, override, volumeKey);
    return [...base, ...override];
  }
  if (isMapping(base) && isMapping(override)) {
    const out: Raw = { ...base };
    for (const [key, value] of Object.entries(override)) out[key] = mergeAt(path ? `${path}.${key}` : key, base[key], value);
    return out;
  }
  return override;
}

/** `override` merged onto `base`, both parsed compose documents. */
export function mergeCompose(base: Raw, override: Raw): Raw {
  return mergeAt('', base, override) as Raw;
}
