/**
 * The layer a repo's assets go into: `<owner>_<repo>`, as github-assets-cnb named it, so probe paths such as
 * /layers/<buildpack>/grpc-ecosystem_grpc-health-probe/bin/grpc_health_probe keep working. A `.` becomes `_`
 * because the lifecycle takes a layer's name up to the first dot when it reads SBOM file names.
 */
export function layerNameFor(owner: string, name: string): string {
  return `${owner}_${name}`.replace(/\./g, '_');
}
