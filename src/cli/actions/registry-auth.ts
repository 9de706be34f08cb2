// Credentials for a registry from the docker config file (what `berth login` stored), encoded
// for the X-Registry-Auth header.
import { encodeRegistryAuth } from '../../client/system.js';
import { parseReference } from '../../oci/reference.js';

/** The header value for an image reference's registry, or undefined when none is stored. */
export async function registryAuthFor(image: string, configDir?: string): Promise<string | undefined> {
  let domain: string;
  try {
    domain = parseReference(image).domain;
  } catch {
    return undefined;
  }
  const { DockerCredentials } = await import('../../registry/client/docker-config.js');
  const { join } = await import('node:path');
  const creds = new DockerCredentials(configDir ? join(configDir, 'config.json') : undefined);
  try {
    const auth = await creds.get(domain);
    if (!auth) return undefined;
    return encodeRegistryAuth({
      ...(auth.username ? { username: auth.username } : {}),
      ...(auth.password ? { password: auth.password } : {}),
      ...(auth.identitytoken ? { identitytoken: auth.identitytoken } : {}),
      serveraddress: auth.serveraddress ?? domain,
    });
  } catch {
    return undefined;
  }
}
