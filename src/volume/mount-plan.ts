// A container's mounts as decided at create time: what `-v`, `--mount`, `--volumes-from` and the
// image's VOLUMEs resolve to. Stored per container; turned into runtime mounts at each start.

export type PlannedMountType = 'bind' | 'volume' | 'tmpfs';

export interface PlannedMount {
  type: PlannedMountType;
  /** Host path (bind), volume name (volume), '' (tmpfs). */
  source: string;
  destination: string;
  rw: boolean;
  /** The mode words as the user gave them (inspect's Mode). */
  mode: string;
  /** Bind propagation ('' for volumes and tmpfs, like docker's inspect). */
  propagation: string;
  /** Copy the image's content at the destination into an empty volume on first start. */
  copyData?: boolean;
  /** A volume made for this container only (`-v /path`, image VOLUME, --mount without source). */
  anonymous?: boolean;
  /** Path inside the volume to mount (--mount volume-subpath). */
  subpath?: string;
  /** tmpfs data and flags (size=…, mode=…, exec …). */
  tmpfsOptions?: string[];
  /** Bind: do not bind mounts below the source (bind-nonrecursive). */
  nonRecursive?: boolean;
}

export interface MountPlan {
  mounts: PlannedMount[];
}
