/** The checks trace:check runs, and what each reports: its own module, so that every check can name it. */
export const CHECKS = ['orphan-span', 'split-trace', 'missing-service', 'missing-attribute', 'personal-data'] as const;
export type CheckName = (typeof CHECKS)[number];

export interface Finding {
  check: CheckName;
  traceId: string;
  spanId?: string;
  service?: string;
  message: string;
}
