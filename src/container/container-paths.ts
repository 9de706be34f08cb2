// Where a container's files live: persistent data under the data root, runtime files under the
// exec root (the OCI bundle, conmon's sockets and fifos), exit files and attach-socket links shared.
import { join } from 'node:path';

export interface EnginePaths {
  dataRoot: string;
  execRoot: string;
}

export class ContainerPaths {
  constructor(readonly p: EnginePaths) {}
  dataDir(id: string): string {
    return join(this.p.dataRoot, 'containers', id);
  }
  logPath(id: string): string {
    return join(this.dataDir(id), 'container.log');
  }
  bundle(id: string): string {
    return join(this.p.execRoot, 'containers', id);
  }
  rootfs(id: string): string {
    return join(this.bundle(id), 'rootfs');
  }
  get exitDir(): string {
    return join(this.p.execRoot, 'exits');
  }
  /** conmon's attach-socket symlinks: kept short so socket paths fit in sun_path. */
  get socketDir(): string {
    return join(this.p.execRoot, 's');
  }
  get runtimeRoot(): string {
    return join(this.p.execRoot, 'runc');
  }
  execDir(id: string, execId: string): string {
    return join(this.bundle(id), 'exec', execId.slice(0, 16));
  }
}
