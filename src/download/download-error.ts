import { BuildpackError } from '../errors.js';

export interface DownloadErrorDetails {
  /** "grpc_health_probe-linux-amd64 from grpc-ecosystem/grpc-health-probe v0.4.24" */
  readonly label: string;
  /** The URL without its query. */
  readonly url: string;
  readonly status?: number | undefined;
  readonly code?: string | undefined;
  readonly attempts: number;
  /** What went wrong, in words, when status and code do not say it. */
  readonly reason?: string | undefined;
  /** What to do about it. */
  readonly advice?: string | undefined;
}

/** An asset could not be downloaded. The message never holds a token or a signed URL's query. */
export class DownloadError extends BuildpackError {
  override name = 'DownloadError';
  readonly label: string;
  readonly url: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly attempts: number;

  constructor(details: DownloadErrorDetails, options?: { cause?: unknown }) {
    const what = [
      details.status === undefined ? undefined : `HTTP ${details.status}`,
      details.code,
      details.reason,
    ]
      .filter((part) => part !== undefined)
      .join(', ');
    const tries = `${details.attempts} attempt${details.attempts === 1 ? '' : 's'}`;
    super(
      `Could not download ${details.label} from ${details.url}: ${what || 'failed'} (after ${tries}).${details.advice === undefined ? '' : ` ${details.advice}`}`,
      options,
    );
    this.label = details.label;
    this.url = details.url;
    this.status = details.status;
    this.code = details.code;
    this.attempts = details.attempts;
  }
}
