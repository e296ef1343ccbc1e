#!/bin/sh
# Starts the web UI as its own user from a checkout that user may not be able to reach: a clone in
# a root-only folder, as CI's temporary clones are. Run under `unshare --mount`: in that mount
# namespace of its own, the checkout ($1) is bound onto a folder of the lab ($2) the user can
# traverse, then setpriv runs with the remaining arguments (which name the web UI under $2).
set -eu
repo=$1
view=$2
shift 2
mount --bind "$repo" "$view"
exec setpriv "$@"
