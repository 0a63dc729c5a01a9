/**
 * What the buildpack's bundle gives undici in place of two Node modules it requires when it loads. Compiled
 * from source, as every module outside src/builtins-code-cache.ts's lists is, these two cost about 12 ms of
 * a build's start, node:http2 also loading node:tls (11 ms more, and 2 MB of peak RSS) for a build that
 * reaches only http:// hosts. Only the bundle uses them (scripts/_project.mjs, where undici's
 * requires are redirected here); tests run undici with the real modules. undici reads nothing else of them:
 * a release that does fails the tests of the built executable (test/integration/https-and-proxy.test.ts).
 */

/**
 * node:http2 for undici's HTTP/2 client, which is never used: the dispatcher does not offer h2 in ALPN
 * (allowH2 is off). undici itself falls back to this when node:http2 cannot be loaded.
 */
export const http2 = { constants: {} };

/**
 * node:http as undici reads it: the default header size limit for clients given none (Node's, which the
 * executable cannot change, since it takes no Node options), and IncomingMessage, which undici compares a
 * stream's constructor with before destroying it. The buildpack never hands undici an IncomingMessage, so
 * the stand-in is a value no constructor can equal.
 */
export const http = {
  maxHeaderSize: 16 * 1024,
  IncomingMessage: Symbol('IncomingMessage (not used by the buildpack)'),
};
