/**
 * Peak RSS of bin/build under the lifecycle: a wrapper buildpack whose bin/build runs the real one under a
 * meter and writes the peak (KiB) to a file. GNU time reports the child's ru_maxrss, which is the kernel's
 * high-water mark (VmHWM) at exit, or the highest of the children it waited for (a native decoder) if that
 * is higher; without it, a shell loop polls VmHWM in /proc/<pid>/status every 20 ms,
 * which sees the same number as long as the process lives long enough to be polled at least once after its peak.
 */
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { shellQuote } from './timing.js';

export type RssMethod = 'gnu-time' | 'poll-vmhwm';

export const GNU_TIME = '/usr/bin/time';

export interface MeteredBuildpack {
  readonly dir: string;
  readonly method: RssMethod;
  /** The peak RSS of the last bin/build run, in bytes. */
  readPeakBytes(): Promise<number>;
}

/** The meter to use: GNU time when installed (Debian package `time`), else polling /proc. */
export function defaultRssMethod(): RssMethod {
  return existsSync(GNU_TIME) ? 'gnu-time' : 'poll-vmhwm';
}

/**
 * Makes a buildpack directory in `dir` with the real buildpack.toml and bin/detect, and a bin/build that
 * execs the real bin/build (so its argv[0] still ends in "build") under the meter.
 */
export async function makeMeteredBuildpack(
  buildpackDir: string,
  dir: string,
  method: RssMethod,
): Promise<MeteredBuildpack> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'bin'), { recursive: true });
  await copyFile(path.join(buildpackDir, 'buildpack.toml'), path.join(dir, 'buildpack.toml'));
  await symlink(path.join(buildpackDir, 'bin', 'detect'), path.join(dir, 'bin', 'detect'));
  const realBuild = shellQuote(path.join(buildpackDir, 'bin', 'build'));
  const out = path.join(dir, 'peak-rss-kib');
  // The executable's pages the process maps depend on how the file sits in the page cache: just written by
  // npm run build (in one piece, so in large folios), the same binary peaked 10-25 MB higher than after a
  // copy, or than read from disk. Its cached pages are dropped first (fadvise DONTNEED through dd's nocache),
  // so every run starts as on a node where the image's files are not cached yet.
  const uncache = `sync ${realBuild} 2>/dev/null; dd if=${realBuild} iflag=nocache count=0 status=none 2>/dev/null\n`;
  const script =
    method === 'gnu-time'
      ? `#!/bin/sh\n${uncache}exec ${GNU_TIME} -f %M -o ${shellQuote(out)} ${realBuild} "$@"\n`
      : // At most 30 minutes of polling; VmHWM only grows, so the last value read is the peak seen.
        `#!/bin/sh\n${uncache}${realBuild} "$@" &\npid=$!\npeak=0\ni=0\nwhile [ $i -lt 90000 ] && kill -0 $pid 2>/dev/null; do\n` +
        `  v=$(sed -n 's/^VmHWM:[[:space:]]*\\([0-9]*\\).*/\\1/p' /proc/$pid/status 2>/dev/null)\n` +
        `  [ -n "$v" ] && peak=$v\n  i=$((i+1))\n  sleep 0.02\ndone\nwait $pid\nrc=$?\necho $peak > ${shellQuote(out)}\nexit $rc\n`;
  await writeFile(path.join(dir, 'bin', 'build'), script);
  await chmod(path.join(dir, 'bin', 'build'), 0o755);
  return {
    dir,
    method,
    async readPeakBytes() {
      const text = (await readFile(out, 'utf8')).trim();
      // GNU time writes "Command exited with non-zero status N" before the figure when the build failed.
      const kib = Number(text.split('\n').at(-1));
      if (!Number.isFinite(kib) || kib <= 0)
        throw new Error(`unreadable peak RSS in ${out}: ${JSON.stringify(text)}`);
      return kib * 1024;
    },
  };
}

export function describeRssMethod(method: RssMethod): string {
  return method === 'gnu-time'
    ? `GNU time (${GNU_TIME} -f %M): ru_maxrss as wait4 reports it for bin/build, i.e. its VmHWM at exit or a decoder child's if that was higher (the two are not added)`
    : 'VmHWM of the bin/build process polled from /proc/<pid>/status every 20 ms until it exits';
}
