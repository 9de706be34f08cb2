// `trust inspect|revoke|sign`, `trust key generate|load`, `trust signer add|remove`: Docker Content
// Trust signs and verifies through a Notary server, which berth has no client for (docs/cli.md).
// The commands exist with docker's flags so scripts get one clear answer instead of "unknown command".
import type { CommandDefinition } from '../command.js';
import { bool, list, str } from '../flags/flag-spec.js';

export const TRUST_UNSUPPORTED = 'Docker Content Trust is not supported by berth: it has no Notary client, so it can neither read nor write signatures';

function trustCommand(name: string, usage: string, description: string, flags: CommandDefinition['flags'], args: CommandDefinition['args']): CommandDefinition {
  return {
    name,
    usage,
    description,
    flags,
    args,
    run() {
      return Promise.reject(new Error(TRUST_UNSUPPORTED));
    },
  };
}

export const trustInspectCommand = trustCommand('trust inspect', 'IMAGE[:TAG] [IMAGE[:TAG]...]', 'Return low-level information about keys and signatures', [bool('pretty', undefined, 'Print the information in a human friendly format')], { min: 1 });
export const trustRevokeCommand = trustCommand('trust revoke', '[OPTIONS] IMAGE[:TAG]', 'Remove trust for an image', [bool('yes', 'y', 'Do not prompt for confirmation')], { min: 1, max: 1 });
export const trustSignCommand = trustCommand('trust sign', 'IMAGE:TAG', 'Sign an image', [bool('local', undefined, 'Sign a locally tagged image')], { min: 1, max: 1 });
export const trustKeyGenerateCommand = trustCommand('trust key generate', 'NAME', 'Generate and load a signing key-pair', [str('dir', undefined, 'Directory to generate key in, defaults to current directory')], { min: 1, max: 1 });
export const trustKeyLoadCommand = trustCommand('trust key load', '[OPTIONS] KEYFILE', 'Load a private key file for signing', [str('name', undefined, 'Name for the loaded key', 'signer')], { min: 1, max: 1 });
export const trustSignerAddCommand = trustCommand('trust signer add', 'OPTIONS NAME REPOSITORY [REPOSITORY...]', 'Add a signer', [list('key', undefined, "Path to the signer's public key file")], { min: 2 });
export const trustSignerRemoveCommand = trustCommand('trust signer remove', '[OPTIONS] NAME REPOSITORY [REPOSITORY...]', 'Remove a signer', [bool('force', 'f', 'Do not prompt for confirmation before removing the most recent signer')], { min: 2 });
