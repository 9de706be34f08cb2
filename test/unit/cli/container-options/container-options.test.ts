import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from '../../../../src/cli/flags/parse-args.js';
import { CONTAINER_FLAGS, RUN_ONLY_FLAGS } from '../../../../src/cli/container-options/container-flags.js';
import { buildCreatePlan, parseEnvFile, type CreatePlan } from '../../../../src/cli/container-options/to-api.js';
import { parseExpose, parsePublish } from '../../../../src/cli/container-options/port-spec.js';
import { parseDevice, parseMount, parseRestartPolicy, parseUlimit } from '../../../../src/cli/container-options/mount-spec.js';

const files: Record<string, string> = {
  '/env.list': '# comment\nA=1\n  B=two words\nHOSTVAR\nUNSET_VAR\n\n',
  '/labels': 'team=core\n# x\nflag\n',
  '/seccomp.json': '{ "defaultAction": "SCMP_ACT_ALLOW" }\n',
};

function plan(argv: string[]): CreatePlan {
  const p = parseArgs(argv, [...CONTAINER_FLAGS, ...RUN_ONLY_FLAGS], { interspersed: false });
  return buildCreatePlan(p.values, p.set, p.args, {
    readFile: (path) => {
      const t = files[path];
      if (t === undefined) throw new Error(`open ${path}: no such file or directory`);
      return t;
    },
    env: { HOSTVAR: 'from-host', HOME: '/root' },
  });
}

describe('run/create flags → create request', () => {
  it('maps the basics like docker', () => {
    const { body, name } = plan(['--name', 'web', '-e', 'X=1', '-e', 'HOME', '-w', '/app', '-u', '1000:1000', '-h', 'box', 'busybox', 'sh', '-c', 'echo hi']);
    assert.equal(name, 'web');
    assert.equal(body.Image, 'busybox');
    assert.deepEqual(body.Cmd, ['sh', '-c', 'echo hi']);
    assert.deepEqual(body.Env, ['X=1', 'HOME=/root']);
    assert.equal(body.WorkingDir, '/app');
    assert.equal(body.User, '1000:1000');
    assert.equal(body.Hostname, 'box');
    assert.equal(body.AttachStdout, true);
    assert.equal(body.AttachStderr, true);
    assert.equal(body.AttachStdin, false);
    assert.equal(body.OpenStdin, false);
    assert.equal(body.HostConfig?.NetworkMode, 'default');
    assert.deepEqual(body.HostConfig?.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });
    assert.equal(body.Entrypoint, undefined);
    assert.equal(body.HostConfig?.Init, undefined);
    assert.equal(body.HostConfig?.PidsLimit, undefined);
    assert.equal(body.HostConfig?.Lxcfs, undefined);
  });

  it('-it / -d / -a set the attach flags', () => {
    const it1 = plan(['-it', 'busybox']).body;
    assert.equal(it1.AttachStdin, true);
    assert.equal(it1.OpenStdin, true);
    assert.equal(it1.StdinOnce, true);
    assert.equal(it1.Tty, true);
    const d = plan(['-d', '-i', 'busybox']).body;
    assert.equal(d.AttachStdin, false);
    assert.equal(d.AttachStdout, false);
    assert.equal(d.OpenStdin, true);
    assert.equal(d.StdinOnce, false);
    const a = plan(['-a', 'stderr', 'busybox']).body;
    assert.equal(a.AttachStdout, false);
    assert.equal(a.AttachStderr, true);
    assert.throws(() => plan(['-d', '-a', 'stdout', 'busybox']), /Conflicting options: -a and -d/);
  });

  it('-p and --expose → ExposedPorts + PortBindings; -P', () => {
    const { body } = plan(['-p', '8080:80', '-p', '127.0.0.1::53/udp', '-p', '9000-9001:9000-9001', '--expose', '7000-7001', '-P', 'nginx']);
    assert.deepEqual(body.ExposedPorts, { '80/tcp': {}, '53/udp': {}, '9000/tcp': {}, '9001/tcp': {}, '7000/tcp': {}, '7001/tcp': {} });
    assert.deepEqual(body.HostConfig?.PortBindings, {
      '80/tcp': [{ HostIp: '', HostPort: '8080' }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }],
      '9000/tcp': [{ HostIp: '', HostPort: '9000' }],
      '9001/tcp': [{ HostIp: '', HostPort: '9001' }],
    });
    assert.equal(body.HostConfig?.PublishAllPorts, true);
  });

  it('resources: -m, --memory-swap, --cpus, --cpu-shares, --pids-limit, --ulimit, --shm-size', () => {
    const hc = plan(['-m', '512m', '--memory-swap', '-1', '--cpus', '1.5', '--cpu-shares', '512', '--cpuset-cpus', '0,1', '--pids-limit', '100',
      '--ulimit', 'nofile=1024:2048', '--shm-size', '64m', '--memory-swappiness', '10', 'busybox']).body.HostConfig!;
    assert.equal(hc.Memory, 512 * 1024 * 1024);
    assert.equal(hc.MemorySwap, -1);
    assert.equal(hc.NanoCpus, 1_500_000_000);
    assert.equal(hc.CpuShares, 512);
    assert.equal(hc.CpusetCpus, '0,1');
    assert.equal(hc.PidsLimit, 100);
    assert.deepEqual(hc.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 2048 }]);
    assert.equal(hc.ShmSize, 64 * 1024 * 1024);
    assert.equal(hc.MemorySwappiness, 10);
  });

  it('restart policies and the --rm conflict', () => {
    assert.deepEqual(plan(['--restart', 'on-failure:3', 'busybox']).body.HostConfig?.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
    assert.deepEqual(plan(['--restart', 'always', 'busybox']).body.HostConfig?.RestartPolicy, { Name: 'always', MaximumRetryCount: 0 });
    assert.throws(() => plan(['--rm', '--restart', 'always', 'busybox']), /Conflicting options: --restart and --rm/);
    assert.throws(() => plan(['--restart', 'sometimes', 'busybox']), /unknown policy 'sometimes'/);
    assert.equal(plan(['--rm', 'busybox']).body.HostConfig?.AutoRemove, true);
  });

  it('volumes, mounts, tmpfs', () => {
    const { body } = plan(['-v', '/data', '-v', '/host:/in:ro', '-v', 'named:/vol', '--mount', 'type=bind,src=/a,dst=/b,readonly', '--mount', 'type=tmpfs,target=/t,tmpfs-size=64m',
      '--tmpfs', '/run:rw,size=1m', '--tmpfs', '/cache', '--volumes-from', 'other:ro', 'busybox']);
    assert.deepEqual(body.Volumes, { '/data': {} });
    assert.deepEqual(body.HostConfig?.Binds, ['/host:/in:ro', 'named:/vol']);
    assert.deepEqual(body.HostConfig?.Mounts, [
      { Type: 'bind', Source: '/a', Target: '/b', ReadOnly: true },
      { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 64 * 1024 * 1024 } },
    ]);
    assert.deepEqual(body.HostConfig?.Tmpfs, { '/run': 'rw,size=1m', '/cache': '' });
    assert.deepEqual(body.HostConfig?.VolumesFrom, ['other:ro']);
  });

  it('health checks', () => {
    const h = plan(['--health-cmd', 'curl -f localhost', '--health-interval', '30s', '--health-retries', '3', '--health-timeout', '1s', '--health-start-period', '5s', 'busybox']).body.Healthcheck;
    assert.deepEqual(h, { Test: ['CMD-SHELL', 'curl -f localhost'], Interval: 30e9, Timeout: 1e9, StartPeriod: 5e9, StartInterval: 0, Retries: 3 });
    assert.deepEqual(plan(['--no-healthcheck', 'busybox']).body.Healthcheck, { Test: ['NONE'] });
    assert.throws(() => plan(['--no-healthcheck', '--health-cmd', 'x', 'busybox']), /--no-healthcheck conflicts with --health-\* options/);
  });

  it('networking: --network, --network-alias, --ip, --dns*, --add-host', () => {
    const { body } = plan(['--network', 'backend', '--network-alias', 'db', '--ip', '10.1.0.5', '--dns', '1.1.1.1', '--dns-search', 'example.com', '--dns-option', 'ndots:2',
      '--add-host', 'gw:10.0.0.1', '--add-host', 'other=10.0.0.2', 'busybox']);
    assert.equal(body.HostConfig?.NetworkMode, 'backend');
    assert.deepEqual(body.NetworkingConfig, { EndpointsConfig: { backend: { Aliases: ['db'], IPAMConfig: { IPv4Address: '10.1.0.5' } } } });
    assert.deepEqual(body.HostConfig?.Dns, ['1.1.1.1']);
    assert.deepEqual(body.HostConfig?.DnsSearch, ['example.com']);
    assert.deepEqual(body.HostConfig?.DnsOptions, ['ndots:2']);
    assert.deepEqual(body.HostConfig?.ExtraHosts, ['gw:10.0.0.1', 'other:10.0.0.2']);
    assert.deepEqual(plan(['busybox']).body.NetworkingConfig, { EndpointsConfig: {} });
  });

  it('security and the rest of HostConfig', () => {
    const hc = plan(['--cap-add', 'NET_ADMIN', '--cap-drop', 'ALL', '--privileged', '--read-only', '--security-opt', 'no-new-privileges', '--security-opt', 'seccomp=/seccomp.json',
      '--device', '/dev/fuse', '--init', '--ipc', 'host', '--pid', 'host', '--userns', 'host', '--sysctl', 'net.ipv4.ip_forward=1', '--group-add', 'audio',
      '--log-driver', 'json-file', '--log-opt', 'max-size=10m', '--runtime', 'runc', '--link', 'db', '--cidfile', '/tmp/cid', '--lxcfs=false', 'busybox']).body.HostConfig!;
    assert.deepEqual(hc.CapAdd, ['NET_ADMIN']);
    assert.deepEqual(hc.CapDrop, ['ALL']);
    assert.equal(hc.Privileged, true);
    assert.equal(hc.ReadonlyRootfs, true);
    assert.deepEqual(hc.SecurityOpt, ['no-new-privileges', 'seccomp={"defaultAction":"SCMP_ACT_ALLOW"}']);
    assert.deepEqual(hc.Devices, [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }]);
    assert.equal(hc.Init, true);
    assert.equal(hc.IpcMode, 'host');
    assert.equal(hc.PidMode, 'host');
    assert.equal(hc.UsernsMode, 'host');
    assert.deepEqual(hc.Sysctls, { 'net.ipv4.ip_forward': '1' });
    assert.deepEqual(hc.GroupAdd, ['audio']);
    assert.deepEqual(hc.LogConfig, { Type: 'json-file', Config: { 'max-size': '10m' } });
    assert.equal(hc.Runtime, 'runc');
    assert.deepEqual(hc.Links, ['db:db']);
    assert.equal(hc.ContainerIDFile, '/tmp/cid');
    assert.equal(hc.Lxcfs, false);
  });

  it('entrypoint, labels, env files, stop settings, platform, pull', () => {
    const p = plan(['--entrypoint', '/bin/sh', '-l', 'a=b', '--label-file', '/labels', '--env-file', '/env.list', '--stop-signal', 'SIGINT', '--stop-timeout', '20',
      '--platform', 'linux/arm64', '--pull', 'always', 'busybox']);
    assert.deepEqual(p.body.Entrypoint, ['/bin/sh']);
    assert.deepEqual(p.body.Labels, { team: 'core', flag: '', a: 'b' });
    assert.deepEqual(p.body.Env, ['A=1', 'B=two words', 'HOSTVAR=from-host']);
    assert.equal(p.body.StopSignal, 'SIGINT');
    assert.equal(p.body.StopTimeout, 20);
    assert.equal(p.platform, 'linux/arm64');
    assert.equal(p.pull, 'always');
    assert.deepEqual(plan(['--entrypoint=', 'busybox']).body.Entrypoint, ['']);
    assert.throws(() => plan(['--env-file', '/missing', 'busybox']), /no such file or directory/);
    assert.throws(() => plan(['--pull', 'sometimes', 'busybox']), /invalid pull option/);
  });
});

describe('port, mount and device specs', () => {
  it('parses -p forms', () => {
    assert.deepEqual(parsePublish('80'), [{ port: '80/tcp', binding: { HostIp: '', HostPort: '' } }]);
    assert.deepEqual(parsePublish('[::1]:8080:80'), [{ port: '80/tcp', binding: { HostIp: '::1', HostPort: '8080' } }]);
    assert.deepEqual(parsePublish('8000-8001:80'), [{ port: '80/tcp', binding: { HostIp: '', HostPort: '8000-8001' } }]);
    assert.throws(() => parsePublish('80/xyz'), /invalid proto: xyz/);
    assert.throws(() => parsePublish('8000-8002:80-81'), /invalid ranges/);
    assert.throws(() => parsePublish('abc'), /invalid containerPort: abc/);
    assert.deepEqual(parseExpose('53/udp'), ['53/udp']);
  });
  it('parses --mount, --device, --ulimit, --restart', () => {
    assert.deepEqual(parseMount('type=volume,source=v,target=/d,volume-nocopy'), { Type: 'volume', Source: 'v', Target: '/d', VolumeOptions: { NoCopy: true } });
    assert.throws(() => parseMount('type=bind,target=/x'), /source is required/);
    assert.throws(() => parseMount('source=/x'), /target is required/);
    assert.throws(() => parseMount('type=bind,src=/a,dst=/b,tmpfs-size=1m'), /cannot mix 'tmpfs-\*' options/);
    assert.deepEqual(parseDevice('/dev/sda:/dev/xvda:r'), { PathOnHost: '/dev/sda', PathInContainer: '/dev/xvda', CgroupPermissions: 'r' });
    assert.deepEqual(parseUlimit('nproc=10'), { Name: 'nproc', Soft: 10, Hard: 10 });
    assert.throws(() => parseUlimit('nofile=10:5'), /soft limit must be less than or equal to hard limit/);
    assert.deepEqual(parseRestartPolicy('unless-stopped'), { Name: 'unless-stopped', MaximumRetryCount: 0 });
    assert.throws(() => parseRestartPolicy('always:3'), /maximum retry count can only be used with 'on-failure'/);
  });
  it('reads env files with comments and host lookups', () => {
    assert.deepEqual(parseEnvFile('X=1\n#c\n\nY\n', { Y: 'y' }, 'f'), ['X=1', 'Y=y']);
    assert.throws(() => parseEnvFile('=1\n', {}, 'f'), /no variable name/);
  });
});
