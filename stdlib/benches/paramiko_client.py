#!/usr/bin/python3
"""Runs N sequential `true` commands over one paramiko connection.

The best client the issue names: paramiko with TCP_NODELAY on its socket.
`benches/ssh.rs` starts it against the same sshd in the same run and reads
the one line it prints: `paramiko MS_PER_COMMAND`.

    paramiko_client.py HOST PORT USER KEYFILE N
"""
import socket
import sys
import time

import paramiko


def run_true(client):
    _, stdout, _ = client.exec_command("true")
    status = stdout.channel.recv_exit_status()
    if status != 0:
        raise SystemExit(f"`true` exited with {status}")


def main():
    host, port, user, keyfile, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    sock = socket.create_connection((host, port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(host, port=port, username=user, key_filename=keyfile, sock=sock,
                   allow_agent=False, look_for_keys=False)
    run_true(client)  # warm: the first channel
    start = time.perf_counter()
    for _ in range(n):
        run_true(client)
    elapsed = time.perf_counter() - start
    client.close()
    print(f"paramiko {elapsed / n * 1000:.3f}")


if __name__ == "__main__":
    main()
