// Types for the undici modules src/download/undici-parts.ts loads one by one: each is what the package's
// index exports under the same name (undici ships types for its index only).
declare module 'undici/lib/dispatcher/dispatcher.js' {
  import type { Dispatcher } from 'undici';
  const DispatcherClass: typeof Dispatcher;
  export = DispatcherClass;
}
declare module 'undici/lib/dispatcher/env-http-proxy-agent.js' {
  import type { EnvHttpProxyAgent } from 'undici';
  const EnvHttpProxyAgentClass: typeof EnvHttpProxyAgent;
  export = EnvHttpProxyAgentClass;
}
declare module 'undici/lib/api/index.js' {
  /** request, stream, pipeline, connect and upgrade, as methods taking the dispatcher as `this`. */
  const api: Readonly<Record<string, unknown>>;
  export = api;
}
declare module 'undici/lib/core/connect.js' {
  import type { buildConnector } from 'undici';
  const buildConnectorFunction: typeof buildConnector;
  export = buildConnectorFunction;
}
