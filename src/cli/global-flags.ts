// The flags `berth` takes before the command (docker's global options), shared by main.ts and
// the completion scripts.
import { bool, list, str } from './flags/flag-spec.js';

export const GLOBAL_FLAGS = [
  str('config', undefined, 'Location of client config files'),
  str('context', 'c', 'Name of the context to use to connect to the daemon (overrides DOCKER_HOST env var and default context set with "berth context use")'),
  bool('debug', 'D', 'Enable debug mode'),
  list('host', 'H', 'Daemon socket to connect to'),
  str('log-level', 'l', 'Set the logging level ("debug", "info", "warn", "error", "fatal")', 'info'),
  bool('tls', undefined, 'Use TLS; implied by --tlsverify'),
  str('tlscacert', undefined, 'Trust certs signed only by this CA'),
  str('tlscert', undefined, 'Path to TLS certificate file'),
  str('tlskey', undefined, 'Path to TLS key file'),
  bool('tlsverify', undefined, 'Use TLS and verify the remote'),
  bool('version', 'v', 'Print version information and quit'),
];
