import { z } from 'zod';

export class ConfigError extends Error {}

/**
 * Reads the environment once at start-up through a schema. A missing or wrong variable stops the
 * process with one line per variable saying what to set.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const description = (schema.shape as Record<string, z.ZodType>)[name]?.description;
    return `set ${name}: ${issue.message}${description ? ` (${description})` : ''}`;
  });
  throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
}

/** Schema pieces every service shares. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback).describe('TCP port to listen on'),
  url: (what: string) => z.url().describe(what),
  list: (what: string) =>
    z
      .string()
      .min(1)
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .describe(what),
  ms: (fallback: number, what: string) => z.coerce.number().int().positive().default(fallback).describe(what),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
};
