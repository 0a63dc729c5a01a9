import { hideTokens } from './describe-value.js';

/**
 * Collects what is wrong with one configuration file, so the user sees every problem in one build rather
 * than fixing them one failed build at a time. Each problem is one paragraph that starts with the file and,
 * where there is one, the entry. Token-shaped text is hidden from every message.
 */
export class ConfigProblems {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];

  constructor(private readonly file: string) {}

  /** Records an error about the file as a whole. */
  fileError(text: string): void {
    this.errors.push(hideTokens(`${this.file}: ${text}`));
  }

  /** Records a warning about the file as a whole. */
  fileWarning(text: string): void {
    this.warnings.push(hideTokens(`${this.file}: ${text}`));
  }

  /** Records an error about one entry; `entry` is its label from `entryLabel` (asset-entry.ts). */
  entryError(entry: string, text: string): void {
    this.errors.push(hideTokens(`${this.file}: ${entry}: ${text}`));
  }

  /** Records a warning about one entry; `entry` is its label from `entryLabel` (asset-entry.ts). */
  entryWarning(entry: string, text: string): void {
    this.warnings.push(hideTokens(`${this.file}: ${entry}: ${text}`));
  }

  /** All errors as one message: a paragraph each, separated by blank lines. */
  errorMessage(): string {
    return this.errors.join('\n\n');
  }
}
