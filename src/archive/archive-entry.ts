/** The kinds of archive member the writer understands; anything else arrives as 'unsupported'. */
export type ArchiveEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'unsupported';

/** One archive member in the form both readers (tar and zip) produce and the one writer consumes. */
export interface ArchiveEntry {
  /** Member path exactly as the archive names it (before any check or strip_components). */
  readonly path: string;
  readonly type: ArchiveEntryType;
  /** The archive's own name for the member's kind ('CharacterDevice', 'FIFO', ...), for messages. */
  readonly kind: string;
  /** Permission bits as stored in the archive. */
  readonly mode: number;
  /** Target of a symlink (as stored) or of a hardlink (an archive member path); undefined otherwise. */
  readonly linkTarget: string | undefined;
  /** The bytes of a 'file' member; read at most once, and only if the member is written. */
  readonly content: () => AsyncIterable<Buffer>;
}
