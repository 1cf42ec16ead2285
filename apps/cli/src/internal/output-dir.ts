import { randomUUID } from 'node:crypto';
import { mkdir, stat, statfs, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { CliError } from '../errors.js';

/** Kernel pseudo-filesystems by statfs magic number: writing a checkpoint there can block or fail late. */
const PSEUDO_FILESYSTEMS = new Map<number, string>([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x73636673, 'securityfs'],
  [0x6e736673, 'nsfs'],
  [0x42494e4d, 'binfmt_misc'],
  [0xcafe4a11, 'bpf'],
]);

/** Top-level directories that hold pseudo-filesystems or device nodes on Linux. */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

/**
 * Makes sure `dir` can take the run's files before any work starts: not on a pseudo-filesystem
 * (`/proc`, `/sys`, `/dev`, …, which would fail or block at the first checkpoint), created if
 * missing, and writable (a probe file is written and removed).
 * @throws {@link CliError} naming `flag`, the directory and the reason.
 */
export async function prepareOutputDir(dir: string, flag: string): Promise<void> {
  const absolute = resolve(dir);
  const root = PSEUDO_ROOTS.find((r) => absolute === r || absolute.startsWith(`${r}${sep}`));
  if (root !== undefined) {
    throw new CliError(`${flag} ${dir} is under ${root}, a pseudo-filesystem; choose a directory on disk.`);
  }
  // The nearest existing ancestor tells which filesystem the directory would be created on.
  let existing = absolute;
  for (;;) {
    try {
      await stat(existing);
      break;
    } catch {
      const parent = dirname(existing);
      if (parent === existing) break;
      existing = parent;
    }
  }
  try {
    const fs = await statfs(existing);
    const kind = PSEUDO_FILESYSTEMS.get(Number(fs.type));
    if (kind !== undefined) {
      throw new CliError(`${flag} ${dir} is on ${kind}, a pseudo-filesystem; choose a directory on disk.`);
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    // statfs is best effort (not every platform has it); the write probe below still runs.
  }
  try {
    await mkdir(absolute, { recursive: true });
  } catch (err) {
    throw new CliError(`${flag} ${dir} cannot be created: ${(err as Error).message}`);
  }
  const probe = join(absolute, `.attnkit-write-test-${randomUUID()}`);
  try {
    await writeFile(probe, '');
  } catch (err) {
    throw new CliError(`${flag} ${dir} is not writable: ${(err as Error).message}`);
  }
  await unlink(probe).catch(() => undefined);
}
