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
  /** Never print this string again (a token, a password in a mirror URL), from this logger or its groups. */
  redact(secret: string): void;
  /** A logger whose lines are collected and written together by flush(), so parallel work stays grouped. */
  group(): GroupLogger;
}

export interface GroupLogger extends Logger {
  flush(): void;
}

export interface LoggerOptions {
  write: (line: string) => void;
  debug: boolean;
}

export function createLogger(options: LoggerOptions): Logger {
  const secrets = new Set<string>();
  const redactor: Redactor = {
    add: (secret) => {
      // Short strings would blank out ordinary words; real tokens are far longer.
      if (secret.length >= 4) secrets.add(secret);
    },
    apply: (text) => [...secrets].reduce((result, secret) => result.split(secret).join('***'), text),
  };
  return buildLogger((line) => options.write(redactor.apply(line)), options, redactor);
}

interface Redactor {
  add(secret: string): void;
  apply(text: string): string;
}

function createGroup(options: LoggerOptions, redactor: Redactor): GroupLogger {
  const lines: string[] = [];
  const logger = buildLogger((line) => lines.push(line), options, redactor);
  return {
    ...logger,
    flush() {
      // Redacted at flush, so a secret registered after the line was written is covered too.
      for (const line of lines.splice(0)) options.write(redactor.apply(line));
    },
  };
}

function buildLogger(emit: (line: string) => void, options: LoggerOptions, redactor: Redactor): Logger {
  const { debug } = options;
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
    redact: (secret) => redactor.add(secret),
    group: () => createGroup(options, redactor),
  };
}
