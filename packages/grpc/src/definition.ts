import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type DescService,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { FileDescriptorProtoSchema, type DescriptorProto } from '@bufbuild/protobuf/wkt';
import type { ServiceDefinition } from '@grpc/grpc-js';

/**
 * grpc-js wants a ServiceDefinition (paths and serializers); protobuf-es v2 generates descriptors
 * and no grpc-js stubs. The definition is built here from the generated descriptor, with
 * protobuf-es' own toBinary/fromBinary as serializers, so no name or type is written twice.
 * Unary calls only: that is all hoptrace's contracts have.
 */

/** A request whose bytes are not the message: the handler answers INVALID_ARGUMENT, not INTERNAL. */
export class MalformedRequest {
  constructor(readonly reason: string) {}
}

export function serviceDefinition(service: DescService): ServiceDefinition {
  return Object.fromEntries(
    service.methods.map((method) => {
      if (method.methodKind !== 'unary') throw new Error(`${service.typeName}/${method.name}: only unary methods are supported`);
      return [
        method.localName,
        {
          path: `/${service.typeName}/${method.name}`,
          requestStream: false,
          responseStream: false,
          originalName: method.name,
          requestSerialize: (message: MessageShape<DescMessage>) => Buffer.from(toBinary(method.input, message)),
          // grpc-js answers INTERNAL when this throws; bad bytes from a client are its mistake.
          requestDeserialize: (bytes: Buffer) => {
            try {
              return fromBinary(method.input, bytes);
            } catch (err) {
              return new MalformedRequest((err as Error).message);
            }
          },
          responseSerialize: (message: MessageShape<DescMessage>) => Buffer.from(toBinary(method.output, message)),
          responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
        },
      ];
    }),
  );
}

/** The file descriptors reflection serves for a service (its file and what that imports). */
export function fileDescriptorProtos(service: DescService): Buffer[] {
  const files = new Map<string, Buffer>();
  const add = (file: DescService['file']): void => {
    if (files.has(file.name)) return;
    files.set(file.name, Buffer.from(toBinary(FileDescriptorProtoSchema, file.proto)));
    file.dependencies.forEach(add);
  };
  add(service.file);
  return [...files.values()];
}

/** The methods of a generated service: `GrpcClient<ServiceMethods<typeof Payments>>`. */
export type ServiceMethods<T> = T extends GenService<infer S> ? S : never;

type Methods<S extends GenServiceMethods> = GenService<S>['method'];

/** What a handler of `S` takes and gives, method by method. */
export type Request<S extends GenServiceMethods, K extends keyof S> = MessageShape<Methods<S>[K]['input']>;
export type ResponseInit<S extends GenServiceMethods, K extends keyof S> = MessageInitShape<Methods<S>[K]['output']>;
export type Response<S extends GenServiceMethods, K extends keyof S> = MessageShape<Methods<S>[K]['output']>;

export const message = create;

/**
 * protobufjs (under @grpc/proto-loader, which grpc-health-check loads its .proto with) names a map
 * field's entry type after the field (`Statuses`) where protoc names it `StatusesEntry`; clients
 * that check descriptors (grpcurl, Go's protobuf) then refuse the whole file ("incorrect implicit
 * map entry name"). This renames such entries as protoc would, so reflection can serve the file.
 */
export function withProtocMapEntryNames(bytes: Buffer): Buffer {
  const file = fromBinary(FileDescriptorProtoSchema, bytes);
  const fix = (message: DescriptorProto, scope: string): void => {
    const own = `${scope}.${message.name}`;
    for (const field of message.field) {
      // protobufjs also leaves the reference relative (`Statuses`).
      const entry = message.nestedType.find((n) => n.options?.mapEntry && [n.name, `${own}.${n.name}`].includes(field.typeName));
      if (!entry) continue;
      const camel = field.name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
      entry.name = `${camel[0]!.toUpperCase()}${camel.slice(1)}Entry`;
      field.typeName = `${own}.${entry.name}`;
    }
    message.nestedType.forEach((n) => fix(n, own));
  };
  file.messageType.forEach((m) => fix(m, file.package ? `.${file.package}` : ''));
  return Buffer.from(toBinary(FileDescriptorProtoSchema, file));
}
