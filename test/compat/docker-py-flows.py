# docker-py's everyday flows against DOCKER_HOST, for test/compat/docker-py.test.ts: each check
# runs on its own and prints one JSON line {"name", "ok", "error"}. Everything made carries the
# run's label or a name starting with the run (argv[1]), so the harness cleans it up.
import io
import json
import sys
import tarfile
import traceback

import docker
from docker.errors import BuildError, NotFound

RUN = sys.argv[1]
API = sys.argv[2]
LABELS = {"berth.compat": RUN}
client = docker.DockerClient(base_url=__import__("os").environ["DOCKER_HOST"], version=API)
checks = []


def check(fn):
    checks.append(fn)
    return fn


def expect(actual, wanted, what):
    if actual != wanted:
        raise AssertionError(f"{what}: got {actual!r}, wanted {wanted!r}")


def tar_of(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def sleeper(name):
    return client.containers.run("busybox:latest", ["sleep", "60"], name=f"{RUN}-{name}", labels=LABELS, detach=True)


@check
def containers_run_returns_output():
    out = client.containers.run("busybox:latest", ["sh", "-c", "echo hello; echo err >&2"], labels=LABELS, remove=True)
    expect(out, b"hello\n", "containers.run() output")


@check
def create_start_logs_wait_remove():
    c = client.containers.create("busybox:latest", ["sh", "-c", "echo out; echo err >&2; exit 3"], name=f"{RUN}-flow", labels=LABELS)
    expect(c.status, "created", "status after create")
    c.start()
    expect(c.wait(), {"Error": None, "StatusCode": 3}, "wait()")
    expect(c.logs(stdout=True, stderr=False), b"out\n", "stdout logs")
    expect(c.logs(stdout=False, stderr=True), b"err\n", "stderr logs")
    c.reload()
    expect(c.status, "exited", "status after exit")
    expect(c.attrs["State"]["ExitCode"], 3, "exit code")
    c.remove()
    try:
        client.containers.get(c.id)
        raise AssertionError("the container is still there")
    except NotFound:
        pass


@check
def images_list_get_tag():
    img = client.images.get("busybox:latest")
    if not img.id.startswith("sha256:"):
        raise AssertionError(f"image id {img.id}")
    listed = client.images.list(name="busybox")
    if img.id not in [i.id for i in listed]:
        raise AssertionError(f"busybox not listed: {listed}")
    expect(img.tag(f"{RUN}/tagged", "v1"), True, "tag()")
    expect(client.images.get(f"{RUN}/tagged:v1").id, img.id, "tagged image")
    client.images.remove(f"{RUN}/tagged:v1")
    expect(f"{RUN}/tagged:v1" in client.images.get("busybox:latest").tags, False, "tag removed")


@check
def networks_create_connect_disconnect_remove():
    net = client.networks.create(f"{RUN}-net", labels=LABELS)
    c = sleeper("netpeer")
    try:
        net.connect(c, aliases=["peer-alias"])
        c.reload()
        ep = c.attrs["NetworkSettings"]["Networks"].get(f"{RUN}-net")
        if not ep or "peer-alias" not in (ep.get("Aliases") or []):
            raise AssertionError(f"endpoint after connect: {ep}")
        net.reload()
        expect([x.id for x in net.containers], [c.id], "network's containers")
        net.disconnect(c)
        c.reload()
        expect(f"{RUN}-net" in c.attrs["NetworkSettings"]["Networks"], False, "connected after disconnect")
    finally:
        c.remove(force=True)
    net.remove()
    expect([n.name for n in client.networks.list(names=[f"{RUN}-net"])], [], "networks after remove")


@check
def volumes_create_list_remove():
    v = client.volumes.create(name=f"{RUN}-vol", labels=LABELS)
    expect(v.attrs["Driver"], "local", "driver")
    names = [x.name for x in client.volumes.list(filters={"label": f"berth.compat={RUN}"})]
    expect(f"{RUN}-vol" in names, True, "listed")
    v.remove()
    expect([x.name for x in client.volumes.list(filters={"name": f"{RUN}-vol"})], [], "volumes after remove")


@check
def exec_run():
    c = sleeper("exec")
    try:
        r = c.exec_run(["sh", "-c", "echo hi; exit 2"])
        expect((r.exit_code, r.output), (2, b"hi\n"), "exec_run")
        r = c.exec_run(["sh", "-c", "echo out; echo err >&2"], demux=True)
        expect((r.exit_code, r.output), (0, (b"out\n", b"err\n")), "exec_run demux")
        r = c.exec_run(["sh", "-c", "echo $GREETING in $PWD"], environment={"GREETING": "hello"}, workdir="/tmp")
        expect(r.output, b"hello in /tmp\n", "exec_run env and workdir")
    finally:
        c.remove(force=True)


@check
def put_archive_get_archive_commit():
    c = sleeper("archive")
    try:
        expect(c.put_archive("/tmp", tar_of({"hello.txt": b"hello archive\n"})), True, "put_archive")
        bits, stat = c.get_archive("/tmp/hello.txt")
        expect((stat["name"], stat["size"]), ("hello.txt", 14), "get_archive stat")
        with tarfile.open(fileobj=io.BytesIO(b"".join(bits))) as tar:
            expect(tar.extractfile("hello.txt").read(), b"hello archive\n", "archived file")
        img = c.commit(repository=f"{RUN}/committed", tag="v1", conf={"Labels": LABELS})
        expect(img.tags, [f"{RUN}/committed:v1"], "committed tags")
    finally:
        c.remove(force=True)
    c = client.containers.create(f"{RUN}/committed:v1", ["cat", "/tmp/hello.txt"], labels=LABELS)
    c.start()
    c.wait()
    expect(c.logs(), b"hello archive\n", "the committed file")
    c.remove()


@check
def build_ok_and_failing():
    ok_df = f"FROM busybox\nRUN echo {RUN}-built > /built\nLABEL berth.compat={RUN}\n"
    img, logs = client.images.build(fileobj=io.BytesIO(ok_df.encode()), tag=f"{RUN}/built:v1", rm=True, labels=LABELS)
    expect(img.tags, [f"{RUN}/built:v1"], "built tags")
    logs = list(logs)
    if not any((m.get("stream") or "").startswith("Step 2/") and RUN in m["stream"] for m in logs):
        raise AssertionError(f"build log: {logs}")
    bad_df = f"FROM busybox\nRUN echo {RUN} && exit 3\n"
    try:
        client.images.build(fileobj=io.BytesIO(bad_df.encode()), rm=True, forcerm=True)
        raise AssertionError("a failing build did not raise")
    except BuildError as e:
        expect(e.msg, f"The command '/bin/sh -c echo {RUN} && exit 3' returned a non-zero code: 3", "BuildError message")


for fn in checks:
    try:
        fn()
        result = {"name": fn.__name__, "ok": True}
    except Exception as e:  # noqa: BLE001 - every failure is reported, the next check still runs
        result = {"name": fn.__name__, "ok": False, "error": f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"}
    print(json.dumps(result), flush=True)
