/**
 * What an ELF file must say to run on the target: machine and class for each CNB architecture, and which
 * dynamic loaders belong to which C library.
 */
import type { Libc } from '../pick/platform-spellings.js';

export interface BinaryTarget {
  /** CNB architecture (`amd64`, `arm64`, `arm`, `386`…). */
  readonly arch: string;
  readonly libc: Libc;
}

interface MachineClass {
  readonly machine: number;
  readonly bits: 32 | 64;
}

/** The ELF machine and class each CNB architecture runs; an architecture not listed is not checked. */
const EXPECTED: Readonly<Record<string, MachineClass>> = {
  amd64: { machine: 62, bits: 64 },
  arm64: { machine: 183, bits: 64 },
  arm: { machine: 40, bits: 32 },
  '386': { machine: 3, bits: 32 },
  ppc64le: { machine: 21, bits: 64 },
  s390x: { machine: 22, bits: 64 },
  riscv64: { machine: 243, bits: 64 },
};

const MACHINE_NAMES: Readonly<Record<number, string>> = {
  3: '32-bit x86 (i386)',
  8: 'MIPS',
  20: '32-bit PowerPC',
  21: 'PowerPC 64',
  22: 'IBM s390',
  40: '32-bit ARM',
  62: 'x86-64 (amd64)',
  183: 'AArch64 (arm64)',
  243: 'RISC-V',
  258: 'LoongArch',
};

export function expectedMachine(arch: string): MachineClass | undefined {
  return EXPECTED[arch];
}

/** `x86-64 (amd64)`, `32-bit ARM`, with the class when it is not the usual one for the machine. */
export function describeMachine(machine: number, bits: 32 | 64): string {
  const name = MACHINE_NAMES[machine] ?? `ELF machine ${machine}`;
  const usual = Object.values(EXPECTED).find((expected) => expected.machine === machine)?.bits;
  return usual !== undefined && usual !== bits ? `${name}, ${bits}-bit ELF` : name;
}

/** The C library a dynamic loader path belongs to, if it is one we know. */
export function libcOfInterpreter(interpreter: string): Libc | undefined {
  const name = interpreter.slice(interpreter.lastIndexOf('/') + 1);
  if (name.startsWith('ld-musl-')) return 'musl';
  if (name.startsWith('ld-linux') || name.startsWith('ld64.so')) return 'gnu';
  return undefined;
}
