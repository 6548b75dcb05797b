import type { z } from 'zod';
import { ValidationFailed } from './errors';

/** Parses input with a contract schema; failures name each field by its dotted path. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const path = issue.path.map(String).join('.') || 'body';
    fields[path] ??=
      issue.code === 'unrecognized_keys' ? `unknown field(s): ${(issue as { keys?: string[] }).keys?.join(', ')}` : issue.message;
  }
  throw new ValidationFailed(fields);
}
