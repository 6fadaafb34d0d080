#!/usr/bin/env bash
# S3-compatible server for development and CI: moto in server mode from the project's
# virtualenv, on 127.0.0.1:$S3_PORT, with the media bucket created.
# moto keeps everything in memory: objects are gone after `down`, but kept across
# `scripts/services.sh stop s3` and the next start (see objects below).
# Usage: [VENV=.venv] scripts/services/s3.sh up|down|status
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [[ -z ${S3_PORT:-} ]]; then set -a; . "$ROOT/scripts/services.env"; set +a; fi

NAME=s3
SERVICES_HOME=${SERVICES_HOME:-/var/tmp/spotifyclone-services}
SERVICE_USER=spotifyclone
STATE=$SERVICES_HOME/s3
PIDFILE=$STATE/moto.pid
LOG=$STATE/moto.log
PROC_MATCH="moto_server -H 127.0.0.1 -p $S3_PORT"
ADDRESS=127.0.0.1:$S3_PORT
START_TIMEOUT=60
STOP_TIMEOUT=20
STOP_SIGNAL=TERM
VENV=${VENV:-.venv}
[[ $VENV == /* ]] || VENV=$ROOT/$VENV
ENDPOINT=http://127.0.0.1:$S3_PORT

# Shared helpers: logging, PID files, polling with a deadline, stop, up/down/status.
# shellcheck source=_lib.sh source-path=SCRIPTDIR
. "$ROOT/scripts/services/_lib.sh"

install_missing() {
  [[ -x $VENV/bin/moto_server ]] && return 0
  [[ -x $VENV/bin/pip ]] || die "no virtualenv at $VENV; create it first (python3 -m venv $VENV)"
  log "installing moto[server,s3] into $VENV"
  "$VENV/bin/pip" install -q 'moto[server,s3]' >&2
}

# moto runs as the invoking user, not $SERVICE_USER: it is the repo venv's Python, and a
# checkout may live where the service user cannot read (a home directory, a CI folder).
start() {
  make_dirs "$STATE"
  spawn "$VENV/bin/moto_server" -H 127.0.0.1 -p "$S3_PORT"
}

# An unsigned HEAD on the bucket: 200 once the server answers and the bucket exists.
healthy() {
  [[ $(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' -I --max-time 2 "$ENDPOINT/$AWS_STORAGE_BUCKET_NAME") == 200 ]]
}

ready() {
  curl -s --noproxy '*' -o /dev/null --max-time 2 "$ENDPOINT/"
}

# The edge fetches renditions, tracks' and ads', from this origin unsigned, so the bucket policy
# lets anyone GET renditions/* and ads/* (the server listens on loopback only); everything else,
# originals included, stays private.
create_bucket() {
  AWS_ENDPOINT=$ENDPOINT "$VENV/bin/python" - <<'PY'
import json
import os

import boto3

bucket = os.environ["AWS_STORAGE_BUCKET_NAME"]
s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["AWS_ENDPOINT"],
    region_name=os.environ["AWS_S3_REGION_NAME"],
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
)
if bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
    s3.create_bucket(Bucket=bucket)
policy = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "EdgeReadsRenditions",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": [f"arn:aws:s3:::{bucket}/renditions/*", f"arn:aws:s3:::{bucket}/ads/*"],
        }
    ],
}
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
PY
}

# moto keeps its objects in memory. A real S3 that fails for a while loses nothing, so when one
# service is stopped alone (`scripts/services.sh stop s3`, to see what its failure does) the
# bucket's objects are copied to $SNAPSHOT first and put back by the next start; `down` of the
# whole stack drops them, as before.
SNAPSHOT=$STATE/objects
objects() {
  AWS_ENDPOINT=$ENDPOINT SNAPSHOT=$SNAPSHOT "$VENV/bin/python" - "$1" <<'PY'
import json
import os
import shutil
import sys
from pathlib import Path

import boto3

bucket, folder = os.environ["AWS_STORAGE_BUCKET_NAME"], Path(os.environ["SNAPSHOT"])
s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["AWS_ENDPOINT"],
    region_name=os.environ["AWS_S3_REGION_NAME"],
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
)
if sys.argv[1] == "save":
    shutil.rmtree(folder, ignore_errors=True)
    types = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            key = item["Key"]
            path = folder / "data" / key
            path.parent.mkdir(parents=True, exist_ok=True)
            answer = s3.get_object(Bucket=bucket, Key=key)
            path.write_bytes(answer["Body"].read())
            types[key] = answer.get("ContentType", "binary/octet-stream")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "types.json").write_text(json.dumps(types))
    print(f"s3: {len(types)} objects copied aside until the next start", file=sys.stderr)
elif (folder / "types.json").is_file():
    types = json.loads((folder / "types.json").read_text())
    for key, content_type in types.items():
        s3.put_object(Bucket=bucket, Key=key, Body=(folder / "data" / key).read_bytes(), ContentType=content_type)
    shutil.rmtree(folder)
    print(f"s3: {len(types)} objects put back", file=sys.stderr)
PY
}

down() {
  if running && [[ ${SERVICES_COMMAND:-} == stop ]] && healthy; then
    objects save || log "could not copy the objects aside: they are lost with the server"
  fi
  if running; then stop; else log "not running"; rm -f "$PIDFILE"; fi
}

after_start() {
  create_bucket
  objects restore
  healthy || die "bucket $AWS_STORAGE_BUCKET_NAME not reachable at $ENDPOINT"
}

main "$@"
