/**
 * Checks every ELF file in a staged layer against the image's architecture and C library, so a wrong build
 * (by template, raw asset or a picker miss) fails the build instead of crashing in production.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { type BinaryTarget, describeMachine, expectedMachine, libcOfInterpreter } from './binary-target.js';
import { readElfHeader } from './elf-header.js';

export interface BinaryFinding {
  /** Path relative to the checked directory, with `/` separators. */
  readonly file: string;
  /** What the file is built for, as people say it (`x86-64 (amd64)`, `32-bit ARM`). */
  readonly builtFor: string;
  /** `machine`: another architecture or class; `loader`: a libc loader the image lacks (or probably lacks). */
  readonly problem: 'machine' | 'loader';
  readonly interpreter?: string;
}

export interface BinaryCheckReport {
  /** How many ELF files were read. */
  readonly elfFiles: number;
  /** Files that cannot run on the target: the build must fail. */
  readonly errors: readonly BinaryFinding[];
  /** Files that probably cannot run (a musl-linked binary on a glibc image): worth a warning. */
  readonly warnings: readonly BinaryFinding[];
}

/** Reads the ELF headers of the regular files under `dir` (symlinks are not followed) and judges them. */
export async function checkLayerBinaries(dir: string, target: BinaryTarget): Promise<BinaryCheckReport> {
  const expected = expectedMachine(target.arch);
  const errors: BinaryFinding[] = [];
  const warnings: BinaryFinding[] = [];
  let elfFiles = 0;
  for (const file of await regularFiles(dir)) {
    const header = await readElfHeader(file);
    if (header === undefined) continue;
    elfFiles += 1;
    const relative = path.relative(dir, file).split(path.sep).join('/');
    const builtFor = describeMachine(header.machine, header.bits);
    const interpreter = header.interpreter === undefined ? {} : { interpreter: header.interpreter };
    if (expected !== undefined && (header.machine !== expected.machine || header.bits !== expected.bits)) {
      errors.push({ file: relative, builtFor, problem: 'machine', ...interpreter });
      continue;
    }
    const loaderLibc = header.interpreter === undefined ? undefined : libcOfInterpreter(header.interpreter);
    if (loaderLibc === undefined || loaderLibc === target.libc) continue;
    const finding: BinaryFinding = {
      file: relative,
      builtFor: `${builtFor} with ${loaderLibc === 'musl' ? 'musl' : 'glibc'}`,
      problem: 'loader',
      ...interpreter,
    };
    // glibc's loader is missing on musl images for sure; musl's is merely unusual on glibc ones.
    (loaderLibc === 'gnu' ? errors : warnings).push(finding);
  }
  return { elfFiles, errors, warnings };
}

/** A warning line for a musl-linked binary on a glibc image. */
export function describeWarning(finding: BinaryFinding): string {
  return `${finding.file} is linked against musl (${finding.interpreter ?? 'its loader'}), which glibc images usually lack; it may fail with "not found". Prefer the gnu build, or set arch_check = false if the image has musl's loader.`;
}

async function regularFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .toSorted();
}
