#!/usr/bin/env bash
# Keeps an edge's store of whole objects (deploy/nginx/edge.conf) within its bounds.
#
# Usage: deploy/nginx/edge-store-sweep.sh STORE MAX_BYTES INACTIVE_MINUTES
#
# Removes every stored file not used for INACTIVE_MINUTES, then the least recently used
# ones until the files under STORE add up to MAX_BYTES or less, then the folders left
# empty. A file was last used when it was last read (its atime, which a relatime mount
# updates at the first read after a change and then at most once a day) or stored (its
# ctime), whichever is later: nginx sets the atime of a file it stores to the object's
# Last-Modified, which may be long past.
#
# Safe while nginx serves: a file removed while it is being sent is sent to its end, and
# the next request for it fetches it again. Run it every minute or so, as the edge's own
# user (scripts/services/nginx.sh does in development and CI). File names never hold a
# newline: the edge refuses such a path before it reaches the store.
set -euo pipefail

if (($# != 3)) || [[ ! $2 =~ ^[0-9]+$ || ! $3 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 STORE MAX_BYTES INACTIVE_MINUTES" >&2
  exit 2
fi
store=$1 max_bytes=$2 inactive=$3
[[ -d $store ]] || exit 0

find "$store" -ignore_readdir_race -type f -amin "+$inactive" -cmin "+$inactive" -delete

# "last used<TAB>size<TAB>path", the least recently used first; the second awk prints
# the paths to remove, oldest first, until what is left fits. (No {n} in the regexes:
# Debian's awk is mawk.)
find "$store" -ignore_readdir_race -type f -printf '%A@\t%C@\t%s\t%p\n' |
  awk -F '\t' '{ path = $0; for (i = 0; i < 3; i++) path = substr(path, index(path, "\t") + 1)
                 printf "%s\t%s\t%s\n", ($1 > $2 ? $1 : $2), $3, path }' |
  sort -t "$(printf '\t')" -k1,1g |
  awk -F '\t' -v max="$max_bytes" '
    { path[NR] = substr($0, index($0, "\t") + 1); size[NR] = $2; total += $2 }
    END { for (i = 1; i <= NR && total > max; i++) { print substr(path[i], index(path[i], "\t") + 1); total -= size[i] } }' |
  while IFS= read -r path; do rm -f -- "$path"; done

find "$store" -ignore_readdir_race -mindepth 1 -type d -empty -delete
