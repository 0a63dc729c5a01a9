/**
 * An ELF executable whose architecture and C library are the ones an asset's name says, so a fake release's
 * `tool-linux-arm64` really is an arm64 binary and `tool-x86_64-unknown-linux-musl` a musl-linked x86-64 one.
 */
import { readAssetLabels } from '../../src/pick/asset-labels.js';
import { type ElfArch, type ElfLinking, elfImage } from './elf-image.js';

const ELF_ARCHES: readonly string[] = ['amd64', 'arm64', 'arm', '386'] satisfies readonly ElfArch[];

/** The image for `assetName`; a name without an architecture is amd64 and one without a libc is static. */
export function elfImageForAsset(assetName: string, trailer = assetName): Buffer {
  const labels = readAssetLabels(assetName);
  const arch = labels.arch ?? (labels.ambiguousX86 ? '386' : 'amd64');
  if (!ELF_ARCHES.includes(arch)) throw new Error(`no ELF image for ${arch} (from ${assetName})`);
  const linking: ElfLinking = labels.libc === 'musl' ? 'musl' : labels.libc === 'gnu' ? 'glibc' : 'static';
  return elfImage({ arch: arch as ElfArch, linking, trailer });
}
