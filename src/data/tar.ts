import { MiascopeError } from '../errors.ts';

/** One regular file of a tar archive. */
export interface TarMember {
  /** Path inside the archive, with a ustar prefix or a GNU long name applied. */
  name: string;
  /** The file's bytes, a view into the archive. */
  content: Uint8Array;
}

const BLOCK = 512;

/**
 * Lists the regular files of an uncompressed tar archive (POSIX ustar, with
 * the GNU long-name `L` and pax `x` extensions that tar writers add for long
 * paths). Directories, links and other entry types are skipped.
 *
 * This short reader exists because dataset loading is synchronous and the
 * archive is already in memory after `gunzipSync`, while the npm tar libraries
 * (`tar-stream`, `tar`) read through streams and callbacks.
 *
 * Raises MiascopeError, naming `source`, for a truncated archive, a header
 * whose checksum does not match, or a size field that is not an octal number.
 */
export function readTarMembers(archive: Uint8Array, source: string): TarMember[] {
  const members: TarMember[] = [];
  let longName: string | undefined;
  let offset = 0;

  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    // Two zero blocks end the archive; one is enough to stop reading.
    if (header.every((byte) => byte === 0)) break;
    checkHeaderChecksum(header, source, offset);

    const size = readOctal(header.subarray(124, 136), source, offset);
    const type = String.fromCharCode(header[156]);
    const start = offset + BLOCK;
    if (start + size > archive.length) {
      throw new MiascopeError(`${source}: truncated tar archive: an entry at byte ${offset} needs ${size} bytes, but the archive ends first (download the file again)`);
    }
    const content = archive.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;

    if (type === 'L') {
      longName = readString(content);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(content) ?? longName;
      continue;
    }
    const prefix = readString(header.subarray(345, 500));
    const name = longName ?? (prefix === '' ? readString(header.subarray(0, 100)) : `${prefix}/${readString(header.subarray(0, 100))}`);
    longName = undefined;
    // Type '0' and the pre-POSIX NUL both mean a regular file.
    if (type === '0' || type === '\0') members.push({ name, content });
  }
  return members;
}

/** Reads a NUL-terminated ASCII or UTF-8 field. */
function readString(field: Uint8Array): string {
  const end = field.indexOf(0);
  return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
}

function readOctal(field: Uint8Array, source: string, offset: number): number {
  const text = readString(field).trim();
  if (!/^[0-7]*$/.test(text)) {
    throw new MiascopeError(`${source}: invalid tar header at byte ${offset}: size field "${text}" is not an octal number (is the file a .tar.gz archive?)`);
  }
  return text === '' ? 0 : parseInt(text, 8);
}

/** Checks a header's checksum: the sum of its bytes, with the checksum field itself read as eight spaces. */
function checkHeaderChecksum(header: Uint8Array, source: string, offset: number): void {
  const stored = readString(header.subarray(148, 156)).trim();
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  if (stored === '' || parseInt(stored, 8) !== sum) {
    throw new MiascopeError(`${source}: invalid tar header at byte ${offset}: checksum mismatch (is the file a .tar.gz archive? download it again if so)`);
  }
}

/** Returns the `path` record of a pax extended header, if it has one. Records read `<length> <key>=<value>\n`. */
function paxPath(content: Uint8Array): string | undefined {
  for (const record of new TextDecoder().decode(content).split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match !== null) return match[1];
  }
  return undefined;
}
