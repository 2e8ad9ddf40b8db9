#!/usr/bin/env bash
# Runs the incident-recovery example end to end on this machine and prints
# each run's output and the mails it sent:
#
# - a real OpenSSH sshd on 127.0.0.1 (random port, generated host and client
#   keys, its own config; needs /usr/sbin/sshd: apt-get install openssh-server),
# - a loopback HTTP server whose /health answers 503 until the "service" is
#   restarted (a marker file the restart command creates over SSH),
# - an SMTP sink that receives the report or the escalation.
#
# Four scenarios: healthy, restarted, still down (escalated), login refused
# (escalated). The harness is tests/incident_recovery.rs; the flows are the
# files beside this script, run with an Environment object it writes.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec cargo test --test incident_recovery -- --nocapture --test-threads=1
