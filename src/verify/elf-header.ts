/**
 * Reads what an ELF file is built for from its first bytes: class, byte order, machine and the program
 * interpreter (the dynamic loader, which says the C library). Reads are bounded, so a huge file costs a few
 * kilobytes, and a file that is not ELF costs one short read.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';

export interface ElfHeader {
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  /** e_machine: 62 x86-64, 183 AArch64, 40 ARM, 3 i386… */
  readonly machine: number;
  /** PT_INTERP, when the file is dynamically linked. */
  readonly interpreter?: string;
}

const MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const PT_INTERP = 3;
/** More program headers than real binaries carry; a header claiming more is read this far and no further. */
const MAX_PROGRAM_HEADERS = 128;
const MAX_INTERPRETER_BYTES = 4096;

/** The ELF header of `file`, or undefined when the file is not ELF (or too short to be). */
export async function readElfHeader(file: string): Promise<ElfHeader | undefined> {
  const handle = await open(file, 'r');
  try {
    return await readFromHandle(handle);
  } finally {
    await handle.close();
  }
}

async function readFromHandle(handle: FileHandle): Promise<ElfHeader | undefined> {
  const head = await readAt(handle, 0, 64);
  if (head.length < 52 || !head.subarray(0, 4).equals(MAGIC)) return undefined;
  const bits = head[4] === 2 ? 64 : head[4] === 1 ? 32 : undefined;
  const littleEndian = head[5] !== 2;
  if (bits === undefined || (bits === 64 && head.length < 64)) return undefined;
  const u16 = (buffer: Buffer, at: number): number =>
    littleEndian ? buffer.readUInt16LE(at) : buffer.readUInt16BE(at);
  const u32 = (buffer: Buffer, at: number): number =>
    littleEndian ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at);
  const word = (buffer: Buffer, at: number): number =>
    bits === 64
      ? Number(littleEndian ? buffer.readBigUInt64LE(at) : buffer.readBigUInt64BE(at))
      : u32(buffer, at);
  const machine = u16(head, 18);
  const phoff = word(head, bits === 64 ? 32 : 28);
  const phentsize = u16(head, bits === 64 ? 54 : 42);
  const phnum = Math.min(u16(head, bits === 64 ? 56 : 44), MAX_PROGRAM_HEADERS);
  const minimumEntry = bits === 64 ? 56 : 32;
  const header = { bits, littleEndian, machine } as const;
  if (phoff === 0 || phnum === 0 || phentsize < minimumEntry) return header;

  const table = await readAt(handle, phoff, phentsize * phnum);
  for (let index = 0; (index + 1) * phentsize <= table.length; index += 1) {
    const at = index * phentsize;
    if (u32(table, at) !== PT_INTERP) continue;
    const offset = word(table, bits === 64 ? at + 8 : at + 4);
    const size = Math.min(word(table, bits === 64 ? at + 32 : at + 16), MAX_INTERPRETER_BYTES);
    const raw = await readAt(handle, offset, size);
    const end = raw.indexOf(0);
    return { ...header, interpreter: raw.subarray(0, end === -1 ? raw.length : end).toString('latin1') };
  }
  return header;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}
