import { ensureGoTool } from './go-tool';

/**
 * Builds Jaeger v2 from the Go module proxy in a small tool module (`go get -tool`), cached under
 * the module version. Returns the binary's path. The module ships no UI assets (placeholder page).
 */
export const ensureJaegerBinary = (cache: string, module: string, version: string): Promise<string> =>
  ensureGoTool(cache, module, version, 'Jaeger');
