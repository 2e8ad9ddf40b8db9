#!/bin/sh
# ScriptJob: prints its arguments and the first line of stdin.
echo "argc=$#"
for a in "$@"; do echo "arg=$a"; done
read -r line
echo "stdin=$line"
