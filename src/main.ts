/**
 * Entry point of bin/run, which bin/detect and bin/build link to: the phase is the name it was called by.
 * This is the only module that touches the process (arguments, environment, exit code); detect and build
 * are functions of the context it reads.
 */
// First: re-executes without the app's NODE_* settings before anything else loads.
import './cnb/node-settings-guard.js';
// Second: loads Node's built-in modules while its code cache for them applies (before the rest needs them).
import './builtins-code-cache.js';
import os from 'node:os';
import { BuildpackError } from './errors.js';
import { writeBuildPlan } from './cnb/build-plan.js';
import { readBuildpackDescriptor } from './cnb/buildpack-descriptor.js';
import {
  buildPaths,
  detectPaths,
  phaseCalled,
  type BuildPaths,
  type DetectPaths,
} from './cnb/phase-context.js';
import { readTarget } from './cnb/target.js';
import { readPlatformEnv, readServiceBindings, type EnvLookup } from './cnb/platform-env.js';
import { createLogger, type Logger } from './log/logger.js';
import { detect } from './detect.js';
import { debugLogging } from './settings.js';
import { threadPoolSize } from './thread-pool.js';

const DETECT_FAIL = 100;

// libuv reads this when its pool starts, at the first asynchronous file, zlib or crypto call: here, before
// main() makes any. The guard above has removed any UV_* setting of the app's, so this one is ours alone.
process.env['UV_THREADPOOL_SIZE'] = String(threadPoolSize(os.availableParallelism()));

async function main(): Promise<number> {
  const phase = phaseCalled([process.argv0, process.argv[1] ?? '']);
  if (phase === undefined) {
    process.stderr.write('Call this program as bin/detect or bin/build (a CNB lifecycle does).\n');
    return 1;
  }
  const facts = {
    env: process.env,
    args: process.argv.slice(2),
    cwd: process.cwd(),
    executable: process.execPath,
  };
  let logger = createPhaseLogger((name) => process.env[name]);
  // BP_LOG_LEVEL may come as a <platform>/env file only (clear-env), so the logger is made again once
  // those are read.
  const readEnv = async (platformDir: string): Promise<EnvLookup> => {
    const env = await readPlatformEnv(platformDir, facts.env);
    logger = createPhaseLogger(env);
    return env;
  };
  try {
    if (phase === 'detect') {
      const paths = detectPaths(facts);
      const env = await readEnv(paths.platformDir);
      return await runDetect(paths, env, logger);
    }
    const paths = buildPaths(facts);
    const env = await readEnv(paths.platformDir);
    return await runBuild(paths, env, logger);
  } catch (error) {
    reportError(error, logger);
    return 1;
  }
}

function createPhaseLogger(env: EnvLookup): Logger {
  const logger = createLogger({
    write: (line) => process.stdout.write(`${line}\n`),
    debug: debugLogging(env),
  });
  // A token in the environment is known before anything can print it.
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && /TOKEN|SECRET|PASSWORD/i.test(name)) logger.redact(value);
  }
  return logger;
}

async function runDetect(paths: DetectPaths, env: EnvLookup, logger: Logger): Promise<number> {
  const result = await detect({ appDir: paths.appDir, env, logger });
  if (!result.pass) {
    logger.process(result.reason);
    return DETECT_FAIL;
  }
  await writeBuildPlan(paths.planPath, result.plan);
  return 0;
}

async function runBuild(paths: BuildPaths, env: EnvLookup, logger: Logger): Promise<number> {
  const [buildpack, { build }, { createInstallServices }] = await Promise.all([
    readBuildpackDescriptor(paths.buildpackDir),
    import('./build.js'),
    import('./install/create-services.js'),
  ]);
  const userAgent = `${buildpack.id}/${buildpack.version}`;
  await build({
    appDir: paths.appDir,
    layersDir: paths.layersDir,
    buildpack,
    target: readTarget(env, process.arch),
    env,
    bindings: await readServiceBindings(paths.platformDir, env),
    logger,
    createServices: (settings, buildLogger) => createInstallServices(settings, buildLogger, userAgent),
  });
  return 0;
}

/** A BuildpackError's message is for the user as it is; anything else is a bug, shown with its stack. */
function reportError(error: unknown, logger: Logger): void {
  const errors = error instanceof AggregateError ? error.errors : [error];
  for (const each of errors) {
    if (each instanceof BuildpackError) {
      logger.title(`ERROR: ${each.message}`);
    } else {
      const text = each instanceof Error ? (each.stack ?? each.message) : String(each);
      logger.title(`ERROR (unexpected; please report it with this output): ${text}`);
    }
  }
}

let finished = false;
// Node exits with status 0 once nothing is left to wait for, even if main() never settled: a stream that
// stops without an end or an error would end the build as a success with nothing installed.
process.on('exit', () => {
  if (finished) return;
  process.stderr.write(
    'ERROR (unexpected; please report it with this output): the phase stopped before it finished, with nothing left to wait for\n',
  );
  process.exitCode = 1;
});
void main().then((code) => {
  finished = true;
  // Every step of the phase has been awaited by now, and Linux writes process.stdout and stderr
  // synchronously (files, pipes and terminals alike), so exiting here loses nothing. Left to itself, Node
  // tears down the environment and the heap first: 5-6 ms after the 'exit' event in a tar.zst build.
  process.exit(code);
});
