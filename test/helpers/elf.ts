import { execFileSync } from 'node:child_process';
import { readElfHeader } from '../../src/verify/elf-header.js';

/** e_machine of the architectures tests build for. */
export const ELF_MACHINE = { amd64: 62, arm64: 183, arm: 40, '386': 3 } as const;

const HOST_MACHINE: Readonly<Record<string, number>> = { x64: ELF_MACHINE.amd64, arm64: ELF_MACHINE.arm64 };

/**
 * Runs an installed program when this host can (an ELF file of the host's machine), and says whether it
 * did: the seed programs exit 0, so a file that lost bytes or its executable bit fails here.
 */
export async function runIfHostCan(file: string): Promise<boolean> {
  const header = await readElfHeader(file);
  if (header === undefined || header.machine !== HOST_MACHINE[process.arch]) return false;
  execFileSync(file, ['--version']);
  return true;
}
