import { describe, expect, it } from 'vitest';
import { BuildpackError } from '../../src/errors.js';
import { buildPaths, detectPaths, phaseCalled } from '../../src/cnb/phase-context.js';

const facts = { env: {}, args: [], cwd: '/workspace', executable: process.execPath };

describe('phaseCalled', () => {
  it('is the name of the link the executable was started by, or of the script Node was given', () => {
    expect(phaseCalled(['/cnb/buildpacks/x/0.1.0/bin/detect', ''])).toBe('detect');
    expect(phaseCalled(['node', '/workspace/bin/build'])).toBe('build');
    expect(
      phaseCalled(['/cnb/buildpacks/x/0.1.0/bin/run', '/cnb/buildpacks/x/0.1.0/bin/run']),
    ).toBeUndefined();
    expect(phaseCalled(['node', 'detector'])).toBeUndefined();
  });
});

describe('phase paths', () => {
  it('reports a missing CNB variable as a one-line error for the user, not as a bug', () => {
    const check = () => buildPaths({ ...facts, env: { CNB_BUILDPACK_DIR: '/cnb/bp' } });
    expect(check).toThrow(BuildpackError);
    expect(check).toThrow(
      'CNB_LAYERS_DIR is not set and no positional argument gives it: run this from a CNB lifecycle.',
    );
  });

  it('takes the positional arguments when the variables are absent', () => {
    const env = { CNB_BUILDPACK_DIR: '/cnb/bp' };
    expect(buildPaths({ ...facts, env, args: ['/layers', '/platform', '/plan.toml'] })).toEqual({
      appDir: '/workspace',
      buildpackDir: '/cnb/bp',
      layersDir: '/layers',
      platformDir: '/platform',
      planPath: '/plan.toml',
    });
    expect(detectPaths({ ...facts, env, args: ['/platform', '/plan.toml'] }).planPath).toBe('/plan.toml');
  });
});
