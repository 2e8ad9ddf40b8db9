#!/bin/sh
# A ScriptJob: arguments become argv.
echo "backup $1 $2"
