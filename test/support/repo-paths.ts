// Where the repository's parts are, seen from a compiled test (dist/test/support/): one place, so a
// test file can move between test/unit and test/integration without its paths breaking.
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
/** The test sources' own folder (fixtures and corpora live there, not in dist/). */
export const TEST_SOURCES = join(REPO_ROOT, 'test');
/** Compiled sources (dist/src). */
export const DIST_SRC = join(REPO_ROOT, 'dist', 'src');
export const BERTH = join(REPO_ROOT, 'bin', 'berth');
export const BERTHD = join(REPO_ROOT, 'bin', 'berthd');
/** `berth` as installed on PATH: the native launcher that hands commands to warm CLI workers. */
export const BERTH_LAUNCHER = join(REPO_ROOT, 'native', 'build', 'Release', 'berth-launcher');
/** A script printing the busybox rootfs tar (Debian's busybox-static) on stdout. */
export const BUSYBOX_ROOTFS = join(DIST_SRC, 'image', 'busybox-rootfs.js');
