{
  "targets": [
    {
      "target_name": "berth_sys",
      "sources": ["berth_sys.c", "splice_relay.c", "sha256_async.c", "cli_handoff.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    },
    {
      "target_name": "berth-seccomp-agent",
      "type": "executable",
      "sources": ["seccomp_agent.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    },
    {
      "target_name": "berth-launcher",
      "type": "executable",
      "sources": ["cli_launcher.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
