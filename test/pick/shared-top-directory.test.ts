import { describe, expect, it } from 'vitest';
import { sharedTopDirectory } from '../../src/pick/shared-top-directory.js';

describe('the top-level directory of an archive', () => {
  it('is found when every member sits under it', () => {
    const members = [
      'fd-v10.3.0-x86_64/',
      'fd-v10.3.0-x86_64/fd',
      'fd-v10.3.0-x86_64/doc/fd.1',
      './fd-v10.3.0-x86_64/LICENSE',
    ];
    expect(sharedTopDirectory(members)).toBe('fd-v10.3.0-x86_64');
  });

  it('is none when members sit at the top or under several directories', () => {
    expect(sharedTopDirectory(['gh', 'LICENSE'])).toBeUndefined();
    expect(sharedTopDirectory(['bin/tool', 'share/man/tool.1'])).toBeUndefined();
    expect(sharedTopDirectory(['tool'])).toBeUndefined();
    expect(sharedTopDirectory(['bin/tool', 'bin/helper'])).toBeUndefined();
    expect(sharedTopDirectory([])).toBeUndefined();
  });
});
