/** A GitHub token and where it came from; messages name the source, never the value. */
export interface Token {
  readonly value: string;
  /** Where it came from, for messages: "MY_TOKEN", "GITHUB_TOKEN", "service binding github". */
  readonly source: string;
}
