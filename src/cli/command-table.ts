// Every command berth knows, with the paths that reach it and a one-line summary, so that help and
// dispatch need not load the command modules (startup time matters: `berth run` must be quick).
import type { CommandDefinition } from './command.js';

export type CommandGroup = 'common' | 'management' | 'other';

export interface CommandEntry {
  /** Every spelling: `['ps', 'container ls', 'container list', 'container ps']`. */
  readonly paths: readonly string[];
  readonly summary: string;
  readonly group: CommandGroup;
  load(): Promise<CommandDefinition>;
}

const entry = (paths: string[], group: CommandGroup, summary: string, load: () => Promise<CommandDefinition>): CommandEntry => ({ paths, group, summary, load });

export const COMMANDS: readonly CommandEntry[] = [
  entry(['run', 'container run'], 'common', 'Create and run a new container from an image', async () => (await import('./commands/run.js')).runCommand),
  entry(['exec', 'container exec'], 'common', 'Execute a command in a running container', async () => (await import('./commands/exec.js')).execCommand),
  entry(['ps', 'container ls', 'container list', 'container ps'], 'common', 'List containers', async () => (await import('./commands/ps.js')).psCommand),
  entry(['build', 'image build', 'builder build'], 'common', 'Build an image from a Dockerfile', async () => (await import('./commands/build.js')).buildCommand),
  entry(['pull', 'image pull'], 'common', 'Download an image from a registry', async () => (await import('./commands/pull.js')).pullCommand),
  entry(['push', 'image push'], 'common', 'Upload an image to a registry', async () => (await import('./commands/push.js')).pushCommand),
  entry(['images', 'image ls', 'image list'], 'common', 'List images', async () => (await import('./commands/images.js')).imagesCommand),
  entry(['login'], 'common', 'Authenticate to a registry', async () => (await import('./commands/login.js')).loginCommand),
  entry(['logout'], 'common', 'Log out from a registry', async () => (await import('./commands/login.js')).logoutCommand),
  entry(['version'], 'common', 'Show the berth version information', async () => (await import('./commands/version.js')).versionCommand),
  entry(['info', 'system info'], 'common', 'Display system-wide information', async () => (await import('./commands/info.js')).infoCommand),
  entry(['attach', 'container attach'], 'other', 'Attach local standard input, output, and error streams to a running container', async () => (await import('./commands/attach.js')).attachCommand),
  entry(['create', 'container create'], 'other', 'Create a new container', async () => (await import('./commands/create.js')).createCommand),
  entry(['events', 'system events'], 'other', 'Get real time events from the server', async () => (await import('./commands/events.js')).eventsCommand),
  entry(['history', 'image history'], 'other', 'Show the history of an image', async () => (await import('./commands/history.js')).historyCommand),
  entry(['import', 'image import'], 'other', 'Import the contents from a tarball to create a filesystem image', async () => (await import('./commands/import.js')).importCommand),
  entry(['inspect'], 'other', 'Return low-level information on berth objects', async () => (await import('./commands/inspect.js')).inspectCommand),
  entry(['container inspect'], 'other', 'Display detailed information on one or more containers', async () => (await import('./commands/inspect.js')).containerInspectCommand),
  entry(['image inspect'], 'other', 'Display detailed information on one or more images', async () => (await import('./commands/inspect.js')).imageInspectCommand),
  entry(['kill', 'container kill'], 'other', 'Kill one or more running containers', async () => (await import('./commands/kill.js')).killCommand),
  entry(['load', 'image load'], 'other', 'Load an image from a tar archive or STDIN', async () => (await import('./commands/load.js')).loadCommand),
  entry(['logs', 'container logs'], 'other', 'Fetch the logs of a container', async () => (await import('./commands/logs.js')).logsCommand),
  entry(['pause', 'container pause'], 'other', 'Pause all processes within one or more containers', async () => (await import('./commands/pause.js')).pauseCommand),
  entry(['port', 'container port'], 'other', 'List port mappings or a specific mapping for the container', async () => (await import('./commands/port.js')).portCommand),
  entry(['builder prune'], 'other', 'Remove build cache', async () => (await import('./commands/build.js')).builderPruneCommand),
  entry(['container prune'], 'other', 'Remove all stopped containers', async () => (await import('./commands/prune.js')).containerPruneCommand),
  entry(['image prune'], 'other', 'Remove unused images', async () => (await import('./commands/prune.js')).imagePruneCommand),
  entry(['rename', 'container rename'], 'other', 'Rename a container', async () => (await import('./commands/rename.js')).renameCommand),
  entry(['restart', 'container restart'], 'other', 'Restart one or more containers', async () => (await import('./commands/stop.js')).restartCommand),
  entry(['rm', 'container rm', 'container remove'], 'other', 'Remove one or more containers', async () => (await import('./commands/rm.js')).rmCommand),
  entry(['rmi', 'image rm', 'image remove'], 'other', 'Remove one or more images', async () => (await import('./commands/rmi.js')).rmiCommand),
  entry(['save', 'image save'], 'other', 'Save one or more images to a tar archive (streamed to STDOUT by default)', async () => (await import('./commands/save.js')).saveCommand),
  entry(['start', 'container start'], 'other', 'Start one or more stopped containers', async () => (await import('./commands/start.js')).startCommand),
  entry(['stats', 'container stats'], 'other', 'Display a live stream of container(s) resource usage statistics', async () => (await import('./commands/stats.js')).statsCommand),
  entry(['stop', 'container stop'], 'other', 'Stop one or more running containers', async () => (await import('./commands/stop.js')).stopCommand),
  entry(['tag', 'image tag'], 'other', 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', async () => (await import('./commands/tag.js')).tagCommand),
  entry(['top', 'container top'], 'other', 'Display the running processes of a container', async () => (await import('./commands/top.js')).topCommand),
  entry(['unpause', 'container unpause'], 'other', 'Unpause all processes within one or more containers', async () => (await import('./commands/pause.js')).unpauseCommand),
  entry(['update', 'container update'], 'other', 'Update configuration of one or more containers', async () => (await import('./commands/update.js')).updateCommand),
  entry(['commit', 'container commit'], 'other', "Create a new image from a container's changes", async () => (await import('./commands/commit.js')).commitCommand),
  entry(['cp', 'container cp'], 'other', 'Copy files/folders between a container and the local filesystem', async () => (await import('./commands/cp.js')).cpCommand),
  entry(['diff', 'container diff'], 'other', "Inspect changes to files or directories on a container's filesystem", async () => (await import('./commands/diff.js')).diffCommand),
  entry(['export', 'container export'], 'other', "Export a container's filesystem as a tar archive", async () => (await import('./commands/export.js')).exportCommand),
  entry(['volume create'], 'other', 'Create a volume', async () => (await import('./commands/volume.js')).volumeCreateCommand),
  entry(['volume inspect'], 'other', 'Display detailed information on one or more volumes', async () => (await import('./commands/volume.js')).volumeInspectCommand),
  entry(['volume ls', 'volume list'], 'other', 'List volumes', async () => (await import('./commands/volume.js')).volumeLsCommand),
  entry(['volume prune'], 'other', 'Remove unused local volumes', async () => (await import('./commands/volume.js')).volumePruneCommand),
  entry(['volume rm', 'volume remove'], 'other', 'Remove one or more volumes', async () => (await import('./commands/volume.js')).volumeRmCommand),
  entry(['context create'], 'other', 'Create a context', async () => (await import('./commands/context.js')).contextCreateCommand),
  entry(['context export'], 'other', 'Export a context to a tar archive FILE or a tar stream on STDOUT.', async () => (await import('./commands/context.js')).contextExportCommand),
  entry(['context import'], 'other', 'Import a context from a tar or zip file', async () => (await import('./commands/context.js')).contextImportCommand),
  entry(['context inspect'], 'other', 'Display detailed information on one or more contexts', async () => (await import('./commands/context.js')).contextInspectCommand),
  entry(['context ls', 'context list'], 'other', 'List contexts', async () => (await import('./commands/context.js')).contextLsCommand),
  entry(['context rm', 'context remove'], 'other', 'Remove one or more contexts', async () => (await import('./commands/context.js')).contextRmCommand),
  entry(['context show'], 'other', 'Print the name of the current context', async () => (await import('./commands/context.js')).contextShowCommand),
  entry(['context update'], 'other', 'Update a context', async () => (await import('./commands/context.js')).contextUpdateCommand),
  entry(['context use'], 'other', 'Set the current docker context', async () => (await import('./commands/context.js')).contextUseCommand),
  entry(['pod create'], 'other', 'Create a new empty pod', async () => (await import('./commands/pod.js')).podCreateCommand),
  entry(['pod ls', 'pod ps', 'pod list'], 'other', 'List pods', async () => (await import('./commands/pod.js')).podLsCommand),
  entry(['pod inspect'], 'other', 'Display detailed information on one or more pods', async () => (await import('./commands/pod.js')).podInspectCommand),
  entry(['pod start'], 'other', 'Start one or more pods', async () => (await import('./commands/pod.js')).podStartCommand),
  entry(['pod stop'], 'other', 'Stop one or more pods', async () => (await import('./commands/pod.js')).podStopCommand),
  entry(['pod restart'], 'other', 'Restart one or more pods', async () => (await import('./commands/pod.js')).podRestartCommand),
  entry(['pod kill'], 'other', 'Send a signal to the containers of one or more pods', async () => (await import('./commands/pod.js')).podKillCommand),
  entry(['pod pause'], 'other', 'Pause one or more pods', async () => (await import('./commands/pod.js')).podPauseCommand),
  entry(['pod unpause'], 'other', 'Unpause one or more pods', async () => (await import('./commands/pod.js')).podUnpauseCommand),
  entry(['pod rm', 'pod remove'], 'other', 'Remove one or more stopped pods and their containers', async () => (await import('./commands/pod.js')).podRmCommand),
  entry(['pod prune'], 'other', 'Remove all stopped pods and their containers', async () => (await import('./commands/pod.js')).podPruneCommand),
  entry(['pod top'], 'other', 'Display the running processes of the containers in a pod', async () => (await import('./commands/pod.js')).podTopCommand),
  entry(['pod logs'], 'other', "Fetch the logs of a pod's containers", async () => (await import('./commands/pod.js')).podLogsCommand),
  entry(['plugin ls', 'plugin list'], 'other', 'List plugins', async () => (await import('./commands/plugin.js')).pluginLsCommand),
  entry(['plugin inspect'], 'other', 'Display detailed information on one or more plugins', async () => (await import('./commands/plugin.js')).pluginInspectCommand),
  entry(['plugin install'], 'other', 'Install a plugin', async () => (await import('./commands/plugin.js')).pluginInstallCommand),
  entry(['plugin rm', 'plugin remove'], 'other', 'Remove one or more plugins', async () => (await import('./commands/plugin.js')).pluginRmCommand),
  entry(['plugin enable'], 'other', 'Enable a plugin', async () => (await import('./commands/plugin.js')).pluginEnableCommand),
  entry(['plugin disable'], 'other', 'Disable a plugin', async () => (await import('./commands/plugin.js')).pluginDisableCommand),
  entry(['plugin create'], 'other', 'Create a plugin from a rootfs and configuration. Plugin data directory must contain config.json and rootfs directory.', async () => (await import('./commands/plugin.js')).pluginCreateCommand),
  entry(['plugin push'], 'other', 'Push a plugin to a registry', async () => (await import('./commands/plugin.js')).pluginPushCommand),
  entry(['plugin set'], 'other', 'Change settings for a plugin', async () => (await import('./commands/plugin.js')).pluginSetCommand),
  entry(['plugin upgrade'], 'other', 'Upgrade an existing plugin', async () => (await import('./commands/plugin.js')).pluginUpgradeCommand),
  entry(['trust inspect'], 'other', 'Return low-level information about keys and signatures', async () => (await import('./commands/trust.js')).trustInspectCommand),
  entry(['trust revoke'], 'other', 'Remove trust for an image', async () => (await import('./commands/trust.js')).trustRevokeCommand),
  entry(['trust sign'], 'other', 'Sign an image', async () => (await import('./commands/trust.js')).trustSignCommand),
  entry(['trust key generate'], 'other', 'Generate and load a signing key-pair', async () => (await import('./commands/trust.js')).trustKeyGenerateCommand),
  entry(['trust key load'], 'other', 'Load a private key file for signing', async () => (await import('./commands/trust.js')).trustKeyLoadCommand),
  entry(['trust signer add'], 'other', 'Add a signer', async () => (await import('./commands/trust.js')).trustSignerAddCommand),
  entry(['trust signer remove'], 'other', 'Remove a signer', async () => (await import('./commands/trust.js')).trustSignerRemoveCommand),
  entry(['network create'], 'other', 'Create a network', async () => (await import('./commands/network.js')).networkCreateCommand),
  entry(['network connect'], 'other', 'Connect a container to a network', async () => (await import('./commands/network.js')).networkConnectCommand),
  entry(['network disconnect'], 'other', 'Disconnect a container from a network', async () => (await import('./commands/network.js')).networkDisconnectCommand),
  entry(['network inspect'], 'other', 'Display detailed information on one or more networks', async () => (await import('./commands/network.js')).networkInspectCommand),
  entry(['network ls', 'network list'], 'other', 'List networks', async () => (await import('./commands/network.js')).networkLsCommand),
  entry(['network prune'], 'other', 'Remove all unused networks', async () => (await import('./commands/network.js')).networkPruneCommand),
  entry(['network rm', 'network remove'], 'other', 'Remove one or more networks', async () => (await import('./commands/network.js')).networkRmCommand),
  entry(['system df'], 'other', 'Show berth disk usage', async () => (await import('./commands/system.js')).systemDfCommand),
  entry(['system prune'], 'other', 'Remove unused data', async () => (await import('./commands/system.js')).systemPruneCommand),
  entry(['system check'], 'other', 'Find (and with --repair remove) what a crash left that nothing owns', async () => (await import('./commands/system-check.js')).systemCheckCommand),
  entry(['completion bash'], 'other', 'Generate the autocompletion script for bash', async () => (await import('./commands/completion.js')).completionBashCommand),
  entry(['completion fish'], 'other', 'Generate the autocompletion script for fish', async () => (await import('./commands/completion.js')).completionFishCommand),
  entry(['completion zsh'], 'other', 'Generate the autocompletion script for zsh', async () => (await import('./commands/completion.js')).completionZshCommand),
  entry(['manifest annotate'], 'other', 'Add additional information to a local image manifest', async () => (await import('./commands/manifest.js')).manifestAnnotateCommand),
  entry(['manifest create'], 'other', 'Create a local manifest list for annotating and pushing to a registry', async () => (await import('./commands/manifest.js')).manifestCreateCommand),
  entry(['manifest inspect'], 'other', 'Display an image manifest, or manifest list', async () => (await import('./commands/manifest.js')).manifestInspectCommand),
  entry(['manifest push'], 'other', 'Push a manifest list to a repository', async () => (await import('./commands/manifest.js')).manifestPushCommand),
  entry(['manifest rm'], 'other', 'Delete one or more manifest lists from local storage', async () => (await import('./commands/manifest.js')).manifestRmCommand),
  entry(['dashboard'], 'other', "Print a one-time login URL for berthd's web dashboard", async () => (await import('./commands/dashboard.js')).dashboardCommand),
  entry(['search'], 'common', 'Search a registry for images', async () => (await import('./commands/search.js')).searchCommand),
  entry(['compose'], 'management', 'Define and run multi-container applications', async () => (await import('./compose/compose-command.js')).composeCommand),
  entry(['kube generate'], 'other', 'Generate Kubernetes YAML from containers, pods, volumes or a compose project', async () => (await import('./commands/kube.js')).kubeGenerateCommand),
  entry(['kube play'], 'other', 'Create containers, pods and volumes from Kubernetes YAML', async () => (await import('./commands/kube.js')).kubePlayCommand),
  entry(['kube down'], 'other', 'Remove the containers, pods and volumes that kube play made from this YAML', async () => (await import('./commands/kube.js')).kubeDownCommand),
  entry(['wait', 'container wait'], 'other', 'Block until one or more containers stop, then print their exit codes', async () => (await import('./commands/wait.js')).waitCommand),
];

/**
 * Management commands: `container …`, `image …`, `system …` (`registry` is dispatched by main.ts);
 * a two-word name is a group inside a group (`trust key …`).
 */
export const MANAGEMENT: Readonly<Record<string, string>> = {
  container: 'Manage containers',
  context: 'Manage contexts',
  builder: 'Manage builds',
  compose: 'Define and run multi-container applications',
  completion: 'Generate the autocompletion script for the specified shell',
  image: 'Manage images',
  kube: 'Play and generate Kubernetes YAML',
  manifest: 'Manage image manifests and manifest lists',
  network: 'Manage networks',
  plugin: 'Manage plugins',
  pod: 'Manage pods',
  registry: 'Run an OCI distribution registry',
  system: 'Manage berth',
  trust: 'Manage trust on Docker images',
  'trust key': 'Manage keys for signing Docker images',
  'trust signer': 'Manage entities who can sign Docker images',
  volume: 'Manage volumes',
};

/** Finds the command an argv starts with: returns it and how many words its path took. */
export function lookupCommand(argv: readonly string[]): { entry: CommandEntry; path: string; words: number } | undefined {
  const three = argv.slice(0, 3).join(' ');
  for (const e of COMMANDS) if (argv.length >= 3 && e.paths.includes(three)) return { entry: e, path: three, words: 3 };
  const two = argv.slice(0, 2).join(' ');
  for (const e of COMMANDS) if (argv.length >= 2 && e.paths.includes(two)) return { entry: e, path: two, words: 2 };
  const one = argv[0] ?? '';
  for (const e of COMMANDS) if (e.paths.includes(one)) return { entry: e, path: one, words: 1 };
  return undefined;
}
