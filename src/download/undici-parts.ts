// The parts of undici the buildpack uses, loaded module by module. The package's index also evaluates the
// mock agents, cookies, WebSocket, EventSource, the cache and the other pools: about 35 ms of CPU on every
// build that downloads (BENCHMARKS.md, issue 13's fourth pass). undici has no exports map, so these paths
// are public; a release that moves one fails the bundling and the type check, not a user's build.
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import buildConnector from 'undici/lib/core/connect.js';
import api from 'undici/lib/api/index.js';

// What the index does for every dispatcher: request() serves the downloads, and connect() the CONNECT
// tunnels a ProxyAgent opens to reach https:// hosts through HTTPS_PROXY.
Object.assign(Dispatcher.prototype, api);

export { buildConnector, EnvHttpProxyAgent };
