export { sha256File, startFakeGitHub } from './fake-github.js';
export type { FakeGitHub, FakeGitHubOptions, RecordedRequest } from './fake-github.js';
export type { FaultKind, FaultOrigin, FaultSpec, Faults } from './faults.js';
export type { FakeAsset, FakeAttestation, FakeRelease, FakeRepo } from './model.js';
