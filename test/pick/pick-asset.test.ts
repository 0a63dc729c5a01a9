import { describe, expect, it } from 'vitest';
import { type PickPlatform, type PickResult, pickAsset } from '../../src/pick/pick-asset.js';

const amd64: PickPlatform = { os: 'linux', arch: 'amd64', libc: 'gnu' };
const arm64: PickPlatform = { os: 'linux', arch: 'arm64', libc: 'gnu' };
const amd64Musl: PickPlatform = { os: 'linux', arch: 'amd64', libc: 'musl' };
const arm64Musl: PickPlatform = { os: 'linux', arch: 'arm64', libc: 'musl' };

/** The picker's answer, which must be of the `want` kind. */
function expectOutcome<O extends PickResult['outcome']>(
  want: O,
  assets: readonly string[],
  platform: PickPlatform,
  repo: string,
  version: string | undefined,
): Extract<PickResult, { outcome: O }> {
  const result = pickAsset({ assets, repo, platform, ...(version === undefined ? {} : { version }) });
  if (result.outcome !== want) {
    throw new Error(result.outcome === 'picked' ? `unexpected pick ${result.asset}` : result.message);
  }
  return result as Extract<PickResult, { outcome: O }>;
}

const picked = (assets: readonly string[], platform: PickPlatform, repo = 'acme/tool', version?: string) =>
  expectOutcome('picked', assets, platform, repo, version);
const refused = (assets: readonly string[], platform: PickPlatform, repo = 'acme/tool', version?: string) =>
  expectOutcome('refused', assets, platform, repo, version);

/** A release with every trap the picker must step round. */
const CROWDED = [
  'tool_1.2.3_amd64.deb',
  'tool_1.2.3_arm64.deb',
  'tool-1.2.3-1.x86_64.rpm',
  'tool_1.2.3_checksums.txt',
  'tool_1.2.3_checksums.txt.sig',
  'tool_1.2.3_checksums.txt.pem',
  'tool-1.2.3.tar.gz',
  'tool-1.2.3.tar.gz.sbom.json',
  'tool.intoto.jsonl',
  'completions-1.2.3.tar.gz',
  'tool-v1.2.3-x86_64-apple-darwin.tar.gz',
  'tool-v1.2.3-aarch64-apple-darwin.tar.gz',
  'tool-v1.2.3-x86_64-pc-windows-msvc.zip',
  'tool-v1.2.3-aarch64-linux-android.tar.gz',
  'tool-v1.2.3-x86_64-unknown-freebsd.tar.gz',
  'tool-v1.2.3-arm-unknown-linux-gnueabihf.tar.gz',
  'tool-v1.2.3-armv7-unknown-linux-musleabihf.tar.gz',
  'tool-v1.2.3-i686-unknown-linux-gnu.tar.gz',
  'tool-v1.2.3-x86_64-unknown-linux-musl.tar.gz',
  'tool-v1.2.3-x86_64-unknown-linux-gnu.tar.gz',
  'tool-v1.2.3-aarch64-unknown-linux-musl.tar.gz',
  'tool-v1.2.3-aarch64-unknown-linux-gnu.tar.gz',
  'tool-v1.2.3-x86_64-unknown-linux-gnu.tar.gz.sha256',
];

describe('picking from a crowded release', () => {
  it.each([
    [amd64, 'tool-v1.2.3-x86_64-unknown-linux-gnu.tar.gz'],
    [arm64, 'tool-v1.2.3-aarch64-unknown-linux-gnu.tar.gz'],
    [amd64Musl, 'tool-v1.2.3-x86_64-unknown-linux-musl.tar.gz'],
    [arm64Musl, 'tool-v1.2.3-aarch64-unknown-linux-musl.tar.gz'],
    [
      { os: 'linux', arch: 'arm', variant: 'v7', libc: 'gnu' } as const,
      'tool-v1.2.3-arm-unknown-linux-gnueabihf.tar.gz',
    ],
    [{ os: 'linux', arch: '386', libc: 'gnu' } as const, 'tool-v1.2.3-i686-unknown-linux-gnu.tar.gz'],
    [{ os: 'darwin', arch: 'arm64', libc: 'gnu' } as const, 'tool-v1.2.3-aarch64-apple-darwin.tar.gz'],
  ])('picks the right build for %o', (platform, asset) => {
    expect(picked(CROWDED, platform, 'acme/tool', 'v1.2.3').asset).toBe(asset);
  });

  it('explains the choice against the runner-up: gnu before musl on glibc', () => {
    const pick = picked(CROWDED, arm64, 'acme/tool', 'v1.2.3');
    expect(pick.runnerUp).toEqual({
      asset: 'tool-v1.2.3-aarch64-unknown-linux-musl.tar.gz',
      lostBecause: 'it is the musl build, and a glibc image takes a gnu or unmarked build first',
    });
    expect(pick.fits).toBe('linux, arm64 (aarch64), gnu');
    expect(pick.toolName).toBe('tool');
  });

  it('gives every dropped asset a reason', () => {
    const pick = picked(CROWDED, arm64, 'acme/tool', 'v1.2.3');
    const reasons = new Map(pick.rejected.map((rejection) => [rejection.asset, rejection.reason]));
    expect(pick.rejected.length + pick.ranked.length).toBe(CROWDED.length);
    expect(reasons.get('tool_1.2.3_arm64.deb')).toMatch(/package/);
    expect(reasons.get('tool_1.2.3_checksums.txt')).toMatch(/text or metadata|checksum/);
    expect(reasons.get('tool_1.2.3_checksums.txt.sig')).toMatch(/signature/);
    expect(reasons.get('tool-1.2.3.tar.gz.sbom.json')).toMatch(/SBOM/);
    expect(reasons.get('tool.intoto.jsonl')).toMatch(/provenance/);
    expect(reasons.get('tool-1.2.3.tar.gz')).toMatch(/no OS and no architecture/);
    expect(reasons.get('completions-1.2.3.tar.gz')).toMatch(/completions/);
    expect(reasons.get('tool-v1.2.3-aarch64-linux-android.tar.gz')).toBe('built for android');
    expect(reasons.get('tool-v1.2.3-arm-unknown-linux-gnueabihf.tar.gz')).toBe('built for 32-bit ARM');
    expect(reasons.get('tool-v1.2.3-x86_64-unknown-linux-gnu.tar.gz')).toBe('built for amd64 (x86_64)');
  });

  it('refuses a gnu-only release on musl, listing the Linux assets and a template', () => {
    const gnuOnly = CROWDED.filter((name) => !name.includes('musl'));
    const refusal = refused(gnuOnly, arm64Musl, 'acme/tool', 'v1.2.3');
    expect(refusal.message).toContain('No asset of acme/tool v1.2.3 fits linux/arm64 (musl).');
    expect(refusal.message).toContain(
      'tool-v1.2.3-aarch64-unknown-linux-gnu.tar.gz (built for glibc (gnu); the image uses musl, where it would not start)',
    );
    expect(refusal.linuxAssets).toContain('tool-v1.2.3-i686-unknown-linux-gnu.tar.gz');
    expect(refusal.suggestedTemplate).toBe('tool-{tag}-{arch}-unknown-linux-{libc}.tar.gz');
  });
});

describe('the rules of the real world', () => {
  it('never takes 32-bit ARM for arm64', () => {
    const refusal = refused(
      ['tool-linux-amd64', 'tool-linux-arm', 'tool-linux-armv7', 'tool-linux-armhf'],
      arm64,
    );
    expect(refusal.linuxAssets).toHaveLength(4);
    expect(refusal.suggestedTemplate).toBe('tool-linux-{arch}');
  });

  it('counts a Linux asset without an arch as amd64, and never installs it on arm64', () => {
    const assets = ['tool-v1.0.0-linux.tgz', 'tool-v1.0.0-macos.tgz', 'tool-v1.0.0-linux-arm64.tgz'];
    expect(picked(assets, amd64).asset).toBe('tool-v1.0.0-linux.tgz');
    expect(picked(assets, arm64).asset).toBe('tool-v1.0.0-linux-arm64.tgz');
    const amd64Only = refused(['tool-linux64', 'tool-linux32', 'tool-osx-amd64'], arm64);
    expect(amd64Only.message).toMatch(/tool-linux64 \(built for amd64 \(linux64\)\)/);
    expect(refused(['tool-linux.tar.gz'], arm64).rejected[0]?.reason).toBe(
      'names no architecture, so it is the amd64 build',
    );
  });

  it('takes an arch and a libc without an OS as Linux', () => {
    const assets = [
      'tool-linux.tar.gz',
      'tool-linux-musl.tar.gz',
      'tool-aarch64-gnu.tar.gz',
      'tool-aarch64-musl.tar.gz',
      'tool-macos.tar.gz',
    ];
    expect(picked(assets, arm64).asset).toBe('tool-aarch64-gnu.tar.gz');
    expect(picked(assets, arm64Musl).asset).toBe('tool-aarch64-musl.tar.gz');
    expect(picked(assets, amd64Musl).asset).toBe('tool-linux-musl.tar.gz');
    expect(picked(assets, amd64).asset).toBe('tool-linux.tar.gz');
  });

  it('takes an arch alone as Linux only when no asset names an OS', () => {
    expect(picked(['tool-amd64', 'tool-arm64'], arm64).asset).toBe('tool-arm64');
    const reason = refused(['tool-x86_64.AppImage', 'tool-x86_64.run', 'tool-darwin-x86_64'], amd64).rejected;
    expect(reason.find((rejection) => rejection.asset === 'tool-x86_64.run')?.reason).toMatch(/no OS/);
  });

  it('takes the gnu or unmarked build first on glibc, musl when it is all there is', () => {
    expect(
      picked(['t-x86_64-unknown-linux-musl.tgz', 't-x86_64-unknown-linux-gnu.tgz'], amd64, 'a/t').asset,
    ).toBe('t-x86_64-unknown-linux-gnu.tgz');
    expect(picked(['t-linux-x64-musl', 't-linux-x64'], amd64, 'a/t').asset).toBe('t-linux-x64');
    expect(picked(['t-x86_64-unknown-linux-musl.tgz'], amd64, 'a/t').asset).toBe(
      't-x86_64-unknown-linux-musl.tgz',
    );
  });

  it('takes the musl build on musl, an unmarked one when there is no musl build, and never a gnu one', () => {
    expect(picked(['t-linux-x64', 't-linux-musl-x64'], amd64Musl, 'a/t').asset).toBe('t-linux-musl-x64');
    const unmarked = picked(['t_linux_amd64.tar.gz', 't_linux_arm64.tar.gz'], amd64Musl, 'a/t');
    expect(unmarked.asset).toBe('t_linux_amd64.tar.gz');
    expect(unmarked.fits).toBe('linux, amd64, libc not named');
    expect(picked(['t-linux-amd64-static', 't-linux-amd64-gnu'], amd64Musl, 'a/t').asset).toBe(
      't-linux-amd64-static',
    );
    expect(picked(['t_manylinux_x86_64', 't_musllinux_x86_64'], amd64Musl, 'a/t').asset).toBe(
      't_musllinux_x86_64',
    );
  });

  it('installs the tool named after the repo when a release holds several', () => {
    const assets = [
      'helper_v1.0.0_linux_arm64.tar.gz',
      'mytool_v1.0.0_linux_arm64.tar.gz',
      'mytool-extra_v1.0.0_linux_arm64.tar.gz',
      'mytool',
    ];
    const pick = picked(assets, arm64, 'acme/mytool', 'v1.0.0');
    expect(pick.asset).toBe('mytool_v1.0.0_linux_arm64.tar.gz');
    expect(pick.rejected.find((rejection) => rejection.asset.startsWith('helper'))?.reason).toMatch(
      /another tool/,
    );
    const plugins = ['protoc-gen-foo-bar-v1-linux-x86_64', 'protoc-gen-other-v1-linux-x86_64'];
    expect(picked(plugins, amd64, 'acme/foo-bar').asset).toBe('protoc-gen-foo-bar-v1-linux-x86_64');
  });

  it('refuses rather than install another tool when the repo-named one has no build for the platform', () => {
    const assets = ['mytool_linux_amd64.tar.gz', 'mytool-agent_linux_arm64.tar.gz'];
    expect(refused(assets, arm64, 'acme/mytool').message).toMatch(/another tool or build/);
  });

  it('takes the plain build before variants, and says so', () => {
    const assets = [
      't-linux-x64-baseline-profile.zip',
      't-linux-x64-baseline.zip',
      't-linux-x64.zip',
      't-linux-x64-profile.zip',
    ];
    const pick = picked(assets, amd64, 'a/t');
    expect(pick.asset).toBe('t-linux-x64.zip');
    expect(pick.runnerUp?.lostBecause).toMatch(/variant build \((baseline|profile)\)/);
    expect(
      picked(['t_x86_64-unknown-linux-gnu-2-17.tgz', 't_x86_64-unknown-linux-gnu.tgz'], amd64, 'a/t').asset,
    ).toBe('t_x86_64-unknown-linux-gnu.tgz');
  });

  it('reads x86 as 64-bit only when the release spells x86 no other way', () => {
    expect(picked(['t_linux_x86', 't_linux_aarch64', 't_osx_x86'], amd64, 'a/t').asset).toBe('t_linux_x86');
    const both = ['t_linux_x86', 't_linux_x86_64'];
    expect(picked(both, amd64, 'a/t').asset).toBe('t_linux_x86_64');
    expect(picked(both, { os: 'linux', arch: '386', libc: 'gnu' }, 'a/t').asset).toBe('t_linux_x86');
  });

  it('does not run an ARMv7 build on an ARMv6 target', () => {
    const assets = ['t-linux-armv7.tgz', 't-linux-armv6.tgz'];
    expect(picked(assets, { os: 'linux', arch: 'arm', variant: 'v6', libc: 'gnu' }, 'a/t').asset).toBe(
      't-linux-armv6.tgz',
    );
    expect(picked(assets, { os: 'linux', arch: 'arm', variant: 'v7', libc: 'gnu' }, 'a/t').asset).toBe(
      't-linux-armv7.tgz',
    );
  });

  it('suggests a template made from a mainstream build, and keeps long lists short', () => {
    expect(
      refused(['jq-linux32', 'jq-linux64', 'jq-1.6.tar.gz'], arm64, 'a/jq', 'jq-1.6').suggestedTemplate,
    ).toBe('jq-linux64');
    const many = Array.from({ length: 20 }, (_, index) => `t-linux-mips${index}`);
    const refusal = refused([...many, 't-linux-amd64'], arm64, 'a/t');
    expect(refusal.linuxAssets).toHaveLength(21);
    expect(refusal.message).toContain('; and 9 more.');
    expect(refusal.message).toContain('Use a release that has a build for linux/arm64 (glibc)');
  });

  it('says what a release without any Linux build holds', () => {
    const refusal = refused(
      ['t-darwin-arm64.tgz', 't-windows-amd64.zip', 'checksums.txt'],
      amd64,
      'a/t',
      'v2.0.0',
    );
    expect(refusal.message).toMatch(/holds no linux program at all \(3 assets, such as t-darwin-arm64.tgz/);
    expect(refusal.suggestedTemplate).toBeUndefined();
  });
});

describe('releases outside the scored set', () => {
  const cases: [string, string, readonly string[], string | null, string | null][] = [
    [
      'BtbN/FFmpeg-Builds',
      'latest',
      [
        'ffmpeg-master-latest-linux64-gpl.tar.xz',
        'ffmpeg-master-latest-linux64-gpl-shared.tar.xz',
        'ffmpeg-master-latest-linuxarm64-gpl.tar.xz',
        'ffmpeg-master-latest-linuxarm64-lgpl-shared.tar.xz',
        'ffmpeg-master-latest-win64-gpl.zip',
        'checksums.sha256',
      ],
      'ffmpeg-master-latest-linux64-gpl.tar.xz',
      'ffmpeg-master-latest-linuxarm64-gpl.tar.xz',
    ],
    [
      'yt-dlp/yt-dlp',
      '2024.01.01',
      [
        'yt-dlp',
        'yt-dlp.exe',
        'yt-dlp.tar.gz',
        'yt-dlp_linux',
        'yt-dlp_linux_aarch64',
        'yt-dlp_linux_armv7l',
        'yt-dlp_macos',
      ],
      'yt-dlp_linux',
      'yt-dlp_linux_aarch64',
    ],
    [
      'nats-io/nats-server',
      'v2.10.7',
      [
        'nats-server-v2.10.7-linux-arm7.tar.gz',
        'nats-server-v2.10.7-linux-386.tar.gz',
        'nats-server-v2.10.7-amd64.deb',
      ],
      null,
      null,
    ],
    [
      'norwoodj/helm-docs',
      'v1.14.2',
      ['helm-docs_1.14.2_Linux_x86_64.tar.gz', 'helm-docs_1.14.2_Linux_arm64.tar.gz', 'checksums.txt'],
      'helm-docs_1.14.2_Linux_x86_64.tar.gz',
      'helm-docs_1.14.2_Linux_arm64.tar.gz',
    ],
    [
      'rclone/rclone',
      'v1.65.0',
      ['rclone-v1.65.0-linux-amd64.zip', 'rclone-v1.65.0-linux-arm-v7.zip', 'rclone-v1.65.0.tar.gz'],
      'rclone-v1.65.0-linux-amd64.zip',
      null,
    ],
  ];
  it.each(cases)('%s', (repo, version, assets, wantAmd64, wantArm64) => {
    for (const [platform, want] of [
      [amd64, wantAmd64],
      [arm64, wantArm64],
    ] as const) {
      const result = pickAsset({ assets, repo, platform, version });
      expect(result.outcome === 'picked' ? result.asset : null).toBe(want);
    }
  });
});
