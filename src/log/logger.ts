/**
 * Indented build log in the style of Paketo's scribe: a title, then processes, sub-processes and details at
 * increasing indentation. Debug lines only appear with BP_LOG_LEVEL=DEBUG. Every line passes through the
 * redactor, so a secret that reaches a message by accident (a library error, a URL) is never printed.
 */
export interface Logger {
  title(text: string): void;
  process(text: string): void;
  subprocess(text: string): void;
  action(text: string): void;
  detail(text: string): void;
  warn(text: string): void;
  debug(text: string): void;
  readonly debugEnabled: boolean;
  /** A logger whose lines are collected and written together by flush(), so parallel work stays grouped. */
  group(): GroupLogger;
}

export interface GroupLogger extends Logger {
  flush(): void;
}

export interface LoggerOptions {
  write: (line: string) => void;
  debug: boolean;
  /** Strings that must never be printed (tokens); each is replaced by '***'. */
  secrets?: readonly string[];
}

export function createLogger(options: LoggerOptions): Logger {
  const secrets = (options.secrets ?? []).filter((secret) => secret.length > 0);
  const redact = (text: string): string =>
    secrets.reduce((result, secret) => result.split(secret).join('***'), text);
  const emit = (line: string): void => options.write(redact(line));
  return buildLogger(emit, options.debug, () => createGroup(options, redact));
}

function createGroup(options: LoggerOptions, redact: (text: string) => string): GroupLogger {
  const lines: string[] = [];
  const logger = buildLogger(
    (line) => lines.push(redact(line)),
    options.debug,
    () => createGroup(options, redact),
  );
  return {
    ...logger,
    flush() {
      for (const line of lines.splice(0)) options.write(line);
    },
  };
}

function buildLogger(emit: (line: string) => void, debug: boolean, group: () => GroupLogger): Logger {
  return {
    title: (text) => emit(text),
    process: (text) => emit(`  ${text}`),
    subprocess: (text) => emit(`    ${text}`),
    action: (text) => emit(`      ${text}`),
    detail: (text) => emit(`        ${text}`),
    warn: (text) => emit(`  Warning: ${text}`),
    debug: (text) => {
      if (debug) emit(`  [debug] ${text}`);
    },
    debugEnabled: debug,
    group,
  };
}

/** A logger that drops everything; for tests and for callers that have nothing to say. */
export const silentLogger: Logger = createLogger({ write: () => undefined, debug: false });
