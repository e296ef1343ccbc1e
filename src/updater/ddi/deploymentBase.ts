// The deployment base (`GET .../deploymentBase/{actionId}`): one action, its handling for download
// and update, the maintenance window, and the chunks (software modules) with their artifacts.
// What the box will write to disk is held to the strictest rules here: a file name that cannot
// leave its directory, a size, and a sha256 (hawkBit sends sha1 and md5 too; the box checks sha256).
import { MAX_TEXT_CHARS, parseBoundedJson, Reader } from './json.ts';
import { link } from './links.ts';

const RESOURCE = 'deployment base';
export const MAX_DEPLOYMENT_BASE_BYTES = 256 * 1024;
export const MAX_CHUNKS = 16;
export const MAX_ARTIFACTS = 32;
export const MAX_METADATA = 64;
export const MAX_HISTORY_MESSAGES = 100;

export const HANDLING = ['skip', 'attempt', 'forced'] as const;
export type Handling = (typeof HANDLING)[number];
export const MAINTENANCE_WINDOW = ['available', 'unavailable'] as const;
export type MaintenanceWindow = (typeof MAINTENANCE_WINDOW)[number];

/** Action ids go into URL paths: hawkBit's are decimal numbers; letters, dots and dashes are allowed too. */
export const ACTION_ID = { max: 64, pattern: /^[A-Za-z0-9._-]+$/, patternText: 'letters, digits, dots, dashes or underscores' };
const HEX = (digits: number) => ({ max: digits, pattern: new RegExp(`^[0-9a-fA-F]{${digits}}$`), patternText: `${digits} hex digits` });
/** A file name the box can store without leaving its download directory. */
const FILE_NAME = { max: 255, pattern: /^(?!\.{1,2}$)[^/\\\0]+$/, patternText: 'a plain file name (no slash, backslash or NUL, not . or ..)' };

export interface Artifact {
  filename: string;
  size: number;
  /** Lower-case hex, as the box computes it. */
  sha256: string;
  sha1: string | undefined;
  md5: string | undefined;
  /** The https download link. */
  download: string;
}

export interface Chunk {
  /** The software module type: hawkBit's `os`, `application`, or the profile renewal's own. */
  part: string;
  version: string;
  name: string;
  encrypted: boolean;
  artifacts: Artifact[];
  metadata: { key: string; value: string }[];
}

export interface DeploymentBase {
  id: string;
  download: Handling;
  update: Handling;
  /** Undefined when the action has no maintenance window. */
  maintenanceWindow: MaintenanceWindow | undefined;
  chunks: Chunk[];
  actionHistory: { status: string | undefined; messages: string[] } | undefined;
}

function readArtifact(parent: Reader, value: unknown, path: string): Artifact {
  const reader = new Reader(parent.resource, value, path);
  const hashes = reader.object('hashes');
  return {
    filename: reader.text('filename', FILE_NAME),
    size: reader.integer('size', 0, Number.MAX_SAFE_INTEGER),
    sha256: hashes.text('sha256', HEX(64)).toLowerCase(),
    sha1: hashes.optionalText('sha1', HEX(40))?.toLowerCase(),
    md5: hashes.optionalText('md5', HEX(32))?.toLowerCase(),
    download: link(reader, 'download'),
  };
}

function readChunk(parent: Reader, value: unknown, path: string): Chunk {
  const reader = new Reader(parent.resource, value, path);
  const part = reader.text('part', { max: 128 });
  const version = reader.text('version', { max: 128 });
  const name = reader.text('name', { max: 128 });
  const artifacts = reader.optionalList('artifacts', MAX_ARTIFACTS, (item, at) => readArtifact(reader, item, at)) ?? [];
  const names = new Set<string>();
  for (const [index, artifact] of artifacts.entries()) {
    if (names.has(artifact.filename)) throw reader.fail(`${path}.artifacts[${index}].filename`, `${JSON.stringify(artifact.filename)} appears twice in this chunk`);
    names.add(artifact.filename);
  }
  return {
    part,
    version,
    name,
    encrypted: reader.optionalBoolean('encrypted') ?? false,
    artifacts,
    metadata:
      reader.optionalList('metadata', MAX_METADATA, (item, at) => {
        const entry = new Reader(reader.resource, item, at);
        return { key: entry.text('key', { max: 128 }), value: entry.text('value', { max: 4096 }) };
      }) ?? [],
  };
}

export function parseDeploymentBase(body: string | Uint8Array): DeploymentBase {
  const reader = new Reader(RESOURCE, parseBoundedJson(RESOURCE, body, MAX_DEPLOYMENT_BASE_BYTES));
  const deployment = reader.object('deployment');
  const history = reader.optionalObject('actionHistory');
  return {
    id: reader.text('id', ACTION_ID),
    download: deployment.oneOf('download', HANDLING),
    update: deployment.oneOf('update', HANDLING),
    maintenanceWindow: deployment.optionalOneOf('maintenanceWindow', MAINTENANCE_WINDOW),
    chunks: deployment.list('chunks', MAX_CHUNKS, (item, at) => readChunk(deployment, item, at)),
    actionHistory: history && {
      status: history.optionalText('status', { max: 64 }),
      messages: history.optionalList('messages', MAX_HISTORY_MESSAGES, (item, at) => history.textItem(item, at, { max: MAX_TEXT_CHARS })) ?? [],
    },
  };
}
