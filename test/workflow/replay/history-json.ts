import path from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

export type History = proto.temporal.api.history.v1.IHistory;

/*
 * History <-> JSON in the format of `temporal workflow show --output json` (protobuf's canonical JSON), which is what
 * `historyToJSON` / `historyFromJSON` of @temporalio/common/lib/proto-utils do. Those two are unusable in this install:
 * @temporalio/common, /proto and /worker each get their own nested copy of protobufjs 8 (the top-level protobufjs is
 * the 7.x that @grpc/proto-loader wants), and the protojson extension of common's copy refuses the reflection types
 * of proto's copy ("TypeError: type must be a Type"; the worker's replay calls historyFromJSON on JSON input too).
 * So the conversion here uses the protobufjs copy that @temporalio/proto itself loads, resolved from proto's
 * location: it keeps working, unchanged, once the copies are deduplicated.
 */
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): History | null;
}
const protoPackageDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [protoPackageDir] })) as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

export function historyToJson(history: History): string {
  const message = proto.temporal.api.history.v1.History.fromObject(history);
  return `${JSON.stringify(protojson.toJson(historyType, message), null, 2)}\n`;
}

/** A History message (int64 fields as Long), which `Worker.runReplayHistories` takes as it is. */
export function historyFromJson(json: unknown): History {
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history?.events?.length) throw new TypeError('not a workflow history: no events');
  return history;
}
