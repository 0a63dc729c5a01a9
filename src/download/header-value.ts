/** Response headers as undici's request() gives them: lower-case names, repeated ones as arrays. */
export type HeaderRecord = Readonly<Record<string, string | string[] | undefined>>;

/** The first value of header `name` (lower case), if the answer has it. */
export function headerValue(headers: HeaderRecord, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
