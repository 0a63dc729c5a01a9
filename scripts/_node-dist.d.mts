/** Path of the Node `version` binary for CNB `arch` (amd64 | arm64), fetching it if needed. */
export function nodeBinaryFor(
  arch: 'amd64' | 'arm64',
  version: string,
  options?: { log?: (line: string) => void },
): Promise<string>;
