import { ensureGoTool } from './go-tool';

/**
 * grpcurl, the command-line gRPC client the integration tests call payments with (reflection,
 * the health service, a Charge): a client that is not ours. Built from the Go module proxy,
 * pinned here, cached under ~/.cache/hoptrace/grpcurl/<version>/ like the Jaeger build.
 */
export const GRPCURL_MODULE = 'github.com/fullstorydev/grpcurl/cmd/grpcurl';
export const GRPCURL_VERSION = 'v1.9.4';

export const ensureGrpcurl = (cache: string): Promise<string> => ensureGoTool(cache, GRPCURL_MODULE, GRPCURL_VERSION, 'grpcurl');
