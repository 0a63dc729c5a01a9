/**
 * Writes small but real ELF executables for a given architecture and C library: a correct ELF header,
 * program headers (PT_INTERP for dynamically linked ones, PT_LOAD) and a few instructions that exit 0. Tests
 * and the fake GitHub's seed releases use them so an asset named for arm64 really is an arm64 binary.
 */

export type ElfArch = 'amd64' | 'arm64' | 'arm' | '386';

/** How the binary is linked: static, or dynamically against glibc's or musl's loader. */
export type ElfLinking = 'static' | 'glibc' | 'musl';

export interface ElfImageOptions {
  readonly arch: ElfArch;
  readonly linking?: ElfLinking;
  /** An explicit PT_INTERP path, overriding the one `linking` implies. */
  readonly interpreter?: string;
  /** Bytes appended after the code, so images of different tools differ. */
  readonly trailer?: string;
}

/** The dynamic loader each libc puts in PT_INTERP, per architecture. */
export const LOADERS: Readonly<Record<Exclude<ElfLinking, 'static'>, Readonly<Record<ElfArch, string>>>> = {
  glibc: {
    amd64: '/lib64/ld-linux-x86-64.so.2',
    arm64: '/lib/ld-linux-aarch64.so.1',
    arm: '/lib/ld-linux-armhf.so.3',
    '386': '/lib/ld-linux.so.2',
  },
  musl: {
    amd64: '/lib/ld-musl-x86_64.so.1',
    arm64: '/lib/ld-musl-aarch64.so.1',
    arm: '/lib/ld-musl-armhf.so.1',
    '386': '/lib/ld-musl-i386.so.1',
  },
};

interface ArchLayout {
  readonly machine: number;
  readonly is64: boolean;
  readonly flags: number;
  readonly base: number;
  /** exit(0) by a system call, in the architecture's own instructions. */
  readonly code: readonly number[];
}

const LAYOUTS: Readonly<Record<ElfArch, ArchLayout>> = {
  // mov eax, 60; xor edi, edi; syscall
  amd64: {
    machine: 62,
    is64: true,
    flags: 0,
    base: 0x400000,
    code: [0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05],
  },
  // mov x0, #0; mov x8, #93; svc #0
  arm64: {
    machine: 183,
    is64: true,
    flags: 0,
    base: 0x400000,
    code: [0x00, 0x00, 0x80, 0xd2, 0xa8, 0x0b, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4],
  },
  // mov r0, #0; mov r7, #1; svc 0 (EABI version 5, hard float)
  arm: {
    machine: 40,
    is64: false,
    flags: 0x05000400,
    base: 0x10000,
    code: [0x00, 0x00, 0xa0, 0xe3, 0x01, 0x70, 0xa0, 0xe3, 0x00, 0x00, 0x00, 0xef],
  },
  // mov eax, 1; xor ebx, ebx; int 0x80
  '386': {
    machine: 3,
    is64: false,
    flags: 0,
    base: 0x08048000,
    code: [0xb8, 1, 0, 0, 0, 0x31, 0xdb, 0xcd, 0x80],
  },
};

const PT_LOAD = 1;
const PT_INTERP = 3;
const ET_EXEC = 2;

/** The bytes of an ELF executable for `options.arch`, linked as `options.linking` says (static by default). */
export function elfImage(options: ElfImageOptions): Buffer {
  const layout = LAYOUTS[options.arch];
  const linking = options.linking ?? 'static';
  const interpreter =
    options.interpreter ?? (linking === 'static' ? undefined : LOADERS[linking][options.arch]);
  const headerSize = layout.is64 ? 64 : 52;
  const phentsize = layout.is64 ? 56 : 32;
  const phnum = interpreter === undefined ? 1 : 2;
  const interpOffset = headerSize + phentsize * phnum;
  const interpBytes = interpreter === undefined ? Buffer.alloc(0) : Buffer.from(`${interpreter}\0`, 'latin1');
  const codeOffset = align(interpOffset + interpBytes.length, 4);
  const trailer = Buffer.from(options.trailer ?? '', 'utf8');
  const size = codeOffset + layout.code.length + trailer.length;
  const image = Buffer.alloc(size);
  const word = (offset: number, value: number): number =>
    layout.is64 ? image.writeBigUInt64LE(BigInt(value), offset) : image.writeUInt32LE(value, offset);
  const wordSize = layout.is64 ? 8 : 4;

  image.write('\x7fELF', 0, 'latin1');
  image[4] = layout.is64 ? 2 : 1;
  image[5] = 1; // little-endian
  image[6] = 1; // ELF version
  image.writeUInt16LE(ET_EXEC, 16);
  image.writeUInt16LE(layout.machine, 18);
  image.writeUInt32LE(1, 20);
  let at = word(24, layout.base + codeOffset); // e_entry
  at = word(at, headerSize); // e_phoff
  at = word(at, 0); // e_shoff
  at = image.writeUInt32LE(layout.flags, at);
  at = image.writeUInt16LE(headerSize, at);
  at = image.writeUInt16LE(phentsize, at);
  at = image.writeUInt16LE(phnum, at);
  at = image.writeUInt16LE(layout.is64 ? 64 : 40, at); // e_shentsize
  image.writeUInt16LE(0, at); // e_shnum, then e_shstrndx: no sections
  image.writeUInt16LE(0, at + 2);

  let ph = headerSize;
  if (interpreter !== undefined) {
    writeProgramHeader(image, ph, layout.is64, wordSize, {
      type: PT_INTERP,
      flags: 4,
      offset: interpOffset,
      vaddr: layout.base + interpOffset,
      size: interpBytes.length,
      align: 1,
    });
    ph += phentsize;
  }
  writeProgramHeader(image, ph, layout.is64, wordSize, {
    type: PT_LOAD,
    flags: 5,
    offset: 0,
    vaddr: layout.base,
    size,
    align: 0x1000,
  });
  interpBytes.copy(image, interpOffset);
  Buffer.from(layout.code).copy(image, codeOffset);
  trailer.copy(image, codeOffset + layout.code.length);
  return image;
}

interface ProgramHeader {
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly size: number;
  readonly align: number;
}

function writeProgramHeader(
  image: Buffer,
  at: number,
  is64: boolean,
  wordSize: number,
  header: ProgramHeader,
): void {
  const word = (offset: number, value: number): void => {
    if (is64) image.writeBigUInt64LE(BigInt(value), offset);
    else image.writeUInt32LE(value, offset);
  };
  image.writeUInt32LE(header.type, at);
  if (is64) {
    image.writeUInt32LE(header.flags, at + 4);
    [header.offset, header.vaddr, header.vaddr, header.size, header.size, header.align].forEach(
      (value, index) => word(at + 8 + index * wordSize, value),
    );
  } else {
    [header.offset, header.vaddr, header.vaddr, header.size, header.size].forEach((value, index) =>
      word(at + 4 + index * wordSize, value),
    );
    image.writeUInt32LE(header.flags, at + 24);
    image.writeUInt32LE(header.align, at + 28);
  }
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}
