#!/bin/sh
echo "partial"
echo "script failed" >&2
exit 4
