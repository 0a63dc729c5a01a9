import { describeValue } from '../config/describe-value.js';

/** The OIDC issuer of GitHub Actions' tokens, which Fulcio writes into every certificate it gives a workflow. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** Who must have signed: a workflow of the asset's own repository, or the one workflow the entry names. */
export interface SignerPolicy {
  readonly issuer: string;
  /** `owner/repo` whose workflows may sign, when any workflow of it may. */
  readonly repo: string | undefined;
  /** `owner/repo/.github/workflows/<file>` that must have signed (at any ref), when the entry names one. */
  readonly workflow: string | undefined;
  /** https://github.com, or the GitHub Enterprise Server the workflows run on. */
  readonly serverUrl: string;
}

/** The workflow a certificate names, split out of its SAN. */
export interface WorkflowIdentity {
  /** `owner/repo/.github/workflows/<file>` */
  readonly workflow: string;
  /** e.g. `refs/tags/v1.2.3` */
  readonly ref: string;
}

const WORKFLOW_PATTERN = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)\/\.github\/workflows\/([^@/]+\.ya?ml)$/;

/** The default policy for `owner/repo`, or for the workflow `signer_workflow` names. */
export function signerPolicy(
  owner: string,
  repo: string,
  signerWorkflow: string | undefined,
  serverUrl = 'https://github.com',
): SignerPolicy {
  return {
    issuer: GITHUB_ACTIONS_ISSUER,
    repo: signerWorkflow === undefined ? `${owner}/${repo}` : undefined,
    workflow: signerWorkflow,
    serverUrl: serverUrl.replace(/\/+$/, ''),
  };
}

/** Reads a workflow SAN (`https://github.com/o/r/.github/workflows/f.yml@ref`); undefined for other SANs. */
export function parseWorkflowSan(san: string | undefined, serverUrl: string): WorkflowIdentity | undefined {
  if (san === undefined) return undefined;
  const prefix = `${serverUrl.replace(/\/+$/, '')}/`;
  if (!san.toLowerCase().startsWith(prefix.toLowerCase())) return undefined;
  const rest = san.slice(prefix.length);
  const at = rest.indexOf('@');
  if (at <= 0) return undefined;
  const workflow = rest.slice(0, at);
  const ref = rest.slice(at + 1);
  if (!WORKFLOW_PATTERN.test(workflow) || ref === '') return undefined;
  return { workflow, ref };
}

/**
 * Whether the certificate's issuer, SAN and source repository satisfy the policy; the sentence saying why
 * not otherwise. Without signer_workflow, a workflow is accepted when it is of the asset's repository, or
 * when Fulcio's source-repository extension names that repository and the SAN is any workflow on the same
 * server: a reusable workflow of another repository (the SLSA generator, an organisation's release
 * workflow) run by the asset's repository, which is what `gh attestation verify --repo` accepts. With
 * signer_workflow, only that workflow is. GitHub compares owner and repository names without regard to
 * case, and so does this.
 */
export function checkSignerIdentity(
  policy: SignerPolicy,
  issuer: string | undefined,
  san: string | undefined,
  sourceRepository?: string | undefined,
): { readonly identity: WorkflowIdentity } | { readonly problem: string } {
  if (issuer !== policy.issuer) {
    return {
      problem: `it was signed with an identity from ${issuer === undefined ? 'no named issuer' : `the issuer ${issuer}`}, not from GitHub Actions (${policy.issuer})`,
    };
  }
  const identity = parseWorkflowSan(san, policy.serverUrl);
  if (identity === undefined) {
    return {
      problem: `its signer ${san ?? '(none)'} is not a GitHub Actions workflow on ${policy.serverUrl}`,
    };
  }
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (policy.workflow !== undefined) {
    if (!same(identity.workflow, policy.workflow)) {
      return {
        problem: `it was signed by ${identity.workflow}, not by ${policy.workflow} (signer_workflow)`,
      };
    }
    return { identity };
  }
  const wanted = policy.repo ?? '';
  const repo = identity.workflow.split('/').slice(0, 2).join('/');
  if (same(repo, wanted)) return { identity };
  const source = sourceRepository?.replace(/\/+$/, '');
  if (source !== undefined && same(source, `${policy.serverUrl}/${wanted}`)) return { identity };
  const ranFor =
    source === undefined
      ? ''
      : ` run for the source repository ${source.replace(`${policy.serverUrl}/`, '')}`;
  return {
    problem: `it was signed by ${identity.workflow}, a workflow of ${repo}${ranFor}, not of ${wanted}; if that workflow builds this project's releases, name it with signer_workflow = "${identity.workflow}"`,
  };
}

/** The entry field `signer_workflow`: `owner/repo/.github/workflows/<file>`, with no ref. */
export function checkSignerWorkflowField(
  raw: unknown,
): { readonly value: string | undefined } | { readonly error: string } {
  if (raw === undefined) return { value: undefined };
  const example = 'signer_workflow = "owner/repo/.github/workflows/release.yml"';
  if (typeof raw !== 'string') {
    return {
      error: `signer_workflow must be a string, but is ${describeValue(raw)}. Write e.g. ${example}.`,
    };
  }
  const trimmed = raw.trim().replace(/^https:\/\/github\.com\//i, '');
  const withoutRef = trimmed.split('@')[0] ?? '';
  if (WORKFLOW_PATTERN.test(withoutRef)) {
    if (withoutRef !== raw) {
      return {
        error: `signer_workflow must be the workflow path without host or ref, but is ${describeValue(raw)}. Write signer_workflow = "${withoutRef}".`,
      };
    }
    return { value: raw };
  }
  return {
    error: `signer_workflow must name a workflow file as owner/repo/.github/workflows/<file>.yml, but is ${describeValue(raw)}. Write e.g. ${example}.`,
  };
}
