"""Streaming as listeners and players see it: grants, the embedded edge, byte ranges (plays: test_plays.py)."""

import datetime as dt
import subprocess
import time
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from catalog.audio import ffmpeg_exe
from catalog.models import Album, Track
from catalog.services.tracks import track_upload
from streaming.models import RenditionWrite, TrackMedia
from streaming.signing import signed_url
from streaming.storage import renditions_storage
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _embedded_edge(settings):
    """These tests use Django's own edge in either mode; the nginx edges have test_edge.py."""
    settings.EDGE_URLS = {}


def api_for(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def _listener(plan: str = "free", **prefs):
    user = UserFactory()
    for name, value in {"plan": plan, **prefs}.items():
        setattr(user.profile, name, value)
    user.profile.save()
    return user


def _fetch(client, url: str, **headers):
    parts = urlsplit(url)
    return client.get(parts.path, **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_upload_is_transcoded_and_switched_to_as_a_whole(published_track):
    media = TrackMedia.objects.get(track=published_track)
    storage = renditions_storage()

    assert published_track.status == Track.Status.READY
    assert media.bitrates == [64, 96, 160, 320]
    assert abs(media.duration_ms - 2000) <= 30
    assert -40 < media.loudness_lufs < 0
    assert len(media.waveform) == 200
    for kbps in media.bitrates:
        assert storage.exists(f"{media.folder}aac_{kbps}.m4a")
    for kbps in media.bitrates:
        assert storage.exists(f"{media.folder}hls/master_{kbps}.m3u8")
    assert not storage.exists(f"{media.folder}hls/master.m3u8")
    with storage.open(f"{media.folder}hls/master_96.m3u8") as master:
        assert [line for line in master.read().decode().splitlines() if not line.startswith("#")] == [
            "aac_64/index.m3u8",
            "aac_96/index.m3u8",
        ]


@pytest.mark.parametrize(
    ("plan", "quality", "bitrate"),
    [("free", "auto", 160), ("premium", "auto", 320), ("premium", "low", 64), ("free", "very_high", 160)],
)
def test_the_plan_and_quality_pick_the_bitrate(published_track, plan, quality, bitrate):
    response = api_for(_listener(plan, streaming_quality=quality)).get(f"/api/v1/tracks/{published_track.pk}/stream/")

    assert response.status_code == 200
    body = response.json()
    assert body["bitrate"] == bitrate
    assert max(body["bitrates"]) == bitrate
    assert body["url"].endswith(f"/aac_{bitrate}.m4a")
    assert body["hls_url"].endswith(f"/hls/master_{bitrate}.m3u8")
    assert body["edge"] == "local"
    assert body["loudness_lufs"] == TrackMedia.objects.get(track=published_track).loudness_lufs
    expires = dt.datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert dt.timedelta(minutes=9) < expires - dt.datetime.now(dt.UTC) < dt.timedelta(minutes=12)


def test_the_progressive_url_plays_through_the_embedded_edge(published_track, client):
    grant = api_for(_listener()).get(f"/api/v1/tracks/{published_track.pk}/stream/").json()

    response = _fetch(client, grant["url"])

    assert response.status_code == 200
    data = _body(response)
    assert response["Content-Type"] == "audio/mp4"
    assert data[4:8] == b"ftyp"
    assert data.index(b"moov") < data.index(b"mdat")  # playback can start from the first bytes
    media = TrackMedia.objects.get(track=published_track)
    with renditions_storage().open(f"{media.folder}aac_160.m4a") as stored:
        assert data == stored.read()


@pytest.mark.parametrize(
    ("header", "expected"),
    [("bytes=0-99", (0, 99)), ("bytes=100-", (100, None)), ("bytes=-50", (-50, None)), ("bytes=10-10", (10, 10))],
)
def test_byte_ranges_answer_exactly_those_bytes(published_track, client, header, expected):
    grant = api_for(_listener()).get(f"/api/v1/tracks/{published_track.pk}/stream/").json()
    whole = _body(_fetch(client, grant["url"]))
    first, last = expected
    wanted = whole[first:] if last is None else whole[first : last + 1]
    start = first if first >= 0 else len(whole) + first

    response = _fetch(client, grant["url"], Range=header)

    assert response.status_code == 206
    assert _body(response) == wanted
    assert response["Content-Range"] == f"bytes {start}-{start + len(wanted) - 1}/{len(whole)}"
    assert response["Content-Length"] == str(len(wanted))


def test_an_unsatisfiable_range_is_416(published_track, client):
    grant = api_for(_listener()).get(f"/api/v1/tracks/{published_track.pk}/stream/").json()

    response = _fetch(client, grant["url"], Range="bytes=99999999-")

    assert response.status_code == 416
    assert response["Content-Range"].startswith("bytes */")


def _bad_urls(url: str, other_track_scope: str) -> dict[str, str]:
    path = urlsplit(url).path
    _, _, _, expires, cap, signature, *rest = path.split("/")
    tampered = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    token = f"/edge/s/{expires}/{cap}/{signature}"
    return {
        "tampered": path.replace(signature, tampered),
        "wrong path": f"{token}/{other_track_scope}aac_160.m4a",
        "missing": "/edge/s/" + "/".join(rest),
        "traversal": f"{token}/{'/'.join(rest[:3])}/../../1/x/aac_160.m4a",
        "above the cap": f"{token}/{'/'.join(rest[:3])}/aac_320.m4a",
        "cap raised": path.replace(f"/{cap}/", "/320/").replace("aac_160", "aac_320"),
    }


@pytest.mark.parametrize(
    "case", ["tampered", "wrong path", "missing", "traversal", "above the cap", "cap raised", "expired"]
)
def test_bad_signatures_are_refused_by_the_embedded_edge(published_track, client, settings, case):
    grant = api_for(_listener()).get(f"/api/v1/tracks/{published_track.pk}/stream/").json()
    if case == "expired":
        scope = TrackMedia.objects.get(track=published_track).folder
        key = settings.EDGE_SIGNING_KEY
        past = signed_url(base="", scope=scope, file="aac_160.m4a", cap=160, ttl=60, key=key, now=time.time() - 120)
        path = "/edge" + urlsplit(past.url).path
    else:
        path = _bad_urls(grant["url"], f"renditions/{published_track.pk + 1}/abc/")[case]

    response = client.get(path)

    assert response.status_code == 403
    assert b"ftyp" not in _body(response)


def test_ffmpeg_plays_the_hls_master_through_the_signed_url(published_track, live_server):
    grant = (
        api_for(_listener("premium"))
        .get(f"/api/v1/tracks/{published_track.pk}/stream/", SERVER_NAME=urlsplit(live_server.url).hostname)
        .json()
    )
    hls_url = live_server.url + urlsplit(grant["hls_url"]).path

    decoded = subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-i", hls_url, "-map", "0:a:0", "-f", "wav", "-"],
        capture_output=True,
        timeout=120,
        check=False,
    )

    assert decoded.returncode == 0, decoded.stderr.decode()[-500:]
    samples = (len(decoded.stdout) - 44) // 4  # 16-bit stereo after the WAV header
    assert abs(samples / 44100 * 1000 - published_track.duration_ms) <= 50  # within a couple of AAC frames


def test_entitlement(published_track, artist, owner, stranger, audio_bytes):
    draft = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Demo.mp3", audio_bytes("mp3")))

    assert api_for().get(f"/api/v1/tracks/{published_track.pk}/stream/").status_code == 401
    assert api_for(stranger).get(f"/api/v1/tracks/{draft.pk}/stream/").status_code == 404
    assert api_for(stranger).get("/api/v1/tracks/999999/stream/").status_code == 404
    not_ready = api_for(owner).get(f"/api/v1/tracks/{draft.pk}/stream/")
    assert not_ready.status_code == 409
    assert not_ready.json()["error"]["code"] == "not_ready"
    Track.objects.filter(pk=published_track.pk).update(explicit=True)
    blocked = api_for(_listener(explicit_content=False)).get(f"/api/v1/tracks/{published_track.pk}/stream/")
    assert blocked.status_code == 403


def test_members_may_stream_their_unpublished_tracks(
    artist, owner, stranger, audio_bytes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Demo.mp3", audio_bytes("mp3")))

    assert api_for(owner).get(f"/api/v1/tracks/{draft.pk}/stream/").status_code == 200
    assert api_for(stranger).get(f"/api/v1/tracks/{draft.pk}/stream/").status_code == 404


def test_with_edges_configured_django_serves_no_audio(published_track, client, settings):
    grant = api_for(_listener()).get(f"/api/v1/tracks/{published_track.pk}/stream/").json()
    settings.EDGE_URLS = {"eu": "https://eu.cdn.example"}

    assert _fetch(client, grant["url"]).status_code == 404


def test_browsers_get_a_redirect_to_the_signed_url(published_track, client):
    assert client.get(f"/stream/{published_track.pk}/").status_code == 302  # to the login page
    client.force_login(_listener())

    response = client.get(f"/stream/{published_track.pk}/")

    assert response.status_code == 302
    assert "/edge/s/" in response["Location"]
    assert response["Location"].endswith("/aac_160.m4a")


def test_the_nearest_edge_is_chosen_by_country(published_track, settings):
    settings.EDGE_URLS = {"eu": "https://eu.cdn.example", "us": "https://us.cdn.example"}
    settings.EDGE_DEFAULT_REGION = "eu"
    listener = _listener(country="BR")
    api = api_for(listener)
    url = f"/api/v1/tracks/{published_track.pk}/stream/"

    assert api.get(url).json()["url"].startswith("https://us.cdn.example/s/")
    assert api.get(url, HTTP_CLOUDFRONT_VIEWER_COUNTRY="DE").json()["edge"] == "eu"
    assert api.get(url, HTTP_X_VIEWER_COUNTRY="JP").json()["edge"] == "eu"  # no edge of its own: the default


def test_a_reprocess_switches_versions_and_removes_the_old_one(
    published_track, owner, django_capture_on_commit_callbacks
):
    from streaming.services.renditions import track_transcode

    old = TrackMedia.objects.get(track=published_track)

    with django_capture_on_commit_callbacks(execute=True):
        track_transcode(track_id=published_track.pk, force=True)

    new = TrackMedia.objects.get(track=published_track)
    assert new.version != old.version
    assert renditions_storage().exists(f"{new.folder}aac_64.m4a")
    assert not renditions_storage().exists(f"{old.folder}aac_64.m4a")


def test_a_transcode_that_dies_while_uploading_leaves_nothing_visible(published_track, monkeypatch):
    from streaming.services import renditions

    old = TrackMedia.objects.get(track=published_track)
    real_save = renditions_storage().save
    saved = []

    def dying_save(name, content, *args, **kwargs):
        if len(saved) == 3:
            raise OSError("worker lost")
        saved.append(name)
        return real_save(name, content, *args, **kwargs)

    monkeypatch.setattr(renditions_storage(), "save", dying_save)
    with pytest.raises(OSError, match="worker lost"):
        renditions.track_transcode(track_id=published_track.pk, force=True)
    monkeypatch.undo()

    assert TrackMedia.objects.get(track=published_track).version == old.version  # still the old, whole set
    assert not any(renditions_storage().exists(name) for name in saved)  # the partial folder is gone
    renditions.track_transcode(track_id=published_track.pk, force=True)  # the retry
    assert TrackMedia.objects.get(track=published_track).version != old.version
    assert not RenditionWrite.objects.exists()  # nothing is left for the sweep


class Killed(BaseException):
    """What SIGKILL looks like from inside: no except clause and no finally of ours runs after it."""


def test_the_sweep_deletes_what_a_transcode_killed_mid_upload_left_and_nothing_else(
    published_track, monkeypatch, django_capture_on_commit_callbacks
):
    from streaming.services import renditions

    storage = renditions_storage()
    current = TrackMedia.objects.get(track=published_track)
    real_save = storage.save
    saved = []

    def killed_save(name, content, *args, **kwargs):
        if len(saved) == 3:
            raise Killed
        saved.append(name)
        return real_save(name, content, *args, **kwargs)

    monkeypatch.setattr(storage, "save", killed_save)
    with pytest.raises(Killed):
        renditions.track_transcode(track_id=published_track.pk, force=True)
    monkeypatch.undo()
    left = RenditionWrite.objects.get(track_id=published_track.pk)
    assert all(storage.exists(name) for name in saved)  # half a folder, pointed to by nothing

    # Meanwhile another transcode writes, and the retry succeeds with a folder of its own.
    RenditionWrite.objects.create(track_id=published_track.pk, version="f" * 16)
    with django_capture_on_commit_callbacks(execute=True):
        renditions.track_transcode(track_id=published_track.pk, force=True)
    retried = TrackMedia.objects.get(track=published_track)
    assert not storage.exists(f"{current.folder}aac_64.m4a")  # the version it replaced is gone as before

    # While the killed task could still be running (within its time limit), nothing is touched.
    assert renditions.renditions_sweep() == 0
    assert all(storage.exists(name) for name in saved)

    later = left.started_at + dt.timedelta(hours=1)
    RenditionWrite.objects.filter(version="f" * 16).update(started_at=later)  # still being written then
    assert renditions.renditions_sweep(now=later) == 1
    assert not any(storage.exists(name) for name in saved)
    assert list(RenditionWrite.objects.values_list("version", flat=True)) == ["f" * 16]
    assert storage.exists(f"{retried.folder}aac_64.m4a")  # the track's own folder is never touched
    assert renditions.renditions_sweep(now=later) == 0  # idempotent


@pytest.mark.parametrize(
    "path",
    [
        "s/1/160/" + "A" * 43 + "/renditions/١٢/abc/aac_64.m4a",  # digits that are not ASCII
        "s/99999999999/160/" + "A" * 43 + "/renditions/1/abc/aac_64.m4a\n",
        # A valid token, and a bitrate too long for int() to read.
        urlsplit(signed_url(base="", scope="renditions/1/abc/", file="", cap=160, ttl=60, key="k", now=0).url).path[1:]
        + "aac_"
        + "9" * 5000
        + ".m4a",
    ],
)
def test_odd_paths_are_refused_not_crashed_on(path):
    from streaming.signing import SigningError, verify

    with pytest.raises(SigningError):
        verify(token_path=path, key="k", now=0)


def test_a_warm_stream_grant_runs_no_query_with_a_token_and_one_signed_in(
    published_track, client, django_assert_num_queries
):
    from tests.accounts.factories import PASSWORD

    listener = _listener(plan="premium")
    url = f"/api/v1/tracks/{published_track.pk}/stream/"
    client.force_login(listener)
    assert client.get(url).status_code == 200  # the session and the track's stream info are cached now
    with django_assert_num_queries(1):  # the session's user with the profile
        assert client.get(url).json()["bitrate"] == 320
    client.logout()

    token = api_for().post("/api/v1/auth/token/", {"username": listener.username, "password": PASSWORD}, format="json")
    bearer = f"Bearer {token.json()['access_token']}"
    with django_assert_num_queries(1):  # the token with its user and the profile, cached from now on
        assert client.get(url, HTTP_AUTHORIZATION=bearer).json()["bitrate"] == 320
    with django_assert_num_queries(0):
        assert client.get(url, HTTP_AUTHORIZATION=bearer).json()["bitrate"] == 320


def test_an_unpublished_track_asks_the_database_who_may_stream_it_every_time(
    published_track, owner, client, django_assert_num_queries
):
    published_track.album.status = Album.Status.DRAFT
    published_track.album.save()
    url = f"/api/v1/tracks/{published_track.pk}/stream/"
    client.force_login(owner)
    assert client.get(url).status_code == 200  # the artist's member previews the draft
    with django_assert_num_queries(2):  # the session's user, then whether they may see the draft
        assert client.get(url).status_code == 200
    client.force_login(_listener())
    assert client.get(url).status_code == 404


def test_a_transcode_past_the_soft_time_limit_fails_the_track_with_the_reason(artist, owner, audio_bytes, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from streaming import tasks
    from streaming.services import renditions

    track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Slow.flac", audio_bytes("flac")))

    def overrun(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(renditions, "TranscodeRun", overrun)
    tasks.track_transcode(track.pk)  # returns: a retry would overrun as well

    track.refresh_from_db()
    assert track.status == Track.Status.FAILED
    assert track.failure_reason.startswith("Processing took longer than 20 minutes")
    assert not RenditionWrite.objects.exists()


def test_a_track_left_processing_is_queued_again_and_becomes_ready(
    artist, owner, audio_bytes, django_capture_on_commit_callbacks
):
    from streaming.services.renditions import tracks_processing_resume

    # Uploaded while the broker was down: its transcode was never queued.
    track = track_upload(artist=artist, by=owner, file=SimpleUploadedFile("Lost.flac", audio_bytes("flac")))
    assert track.status == Track.Status.PROCESSING
    assert tracks_processing_resume() == 0  # not an hour yet: it may still be on its way

    later = track.updated_at + dt.timedelta(hours=1, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert tracks_processing_resume(now=later) == 1
    track.refresh_from_db()
    assert track.status == Track.Status.READY
    assert TrackMedia.objects.filter(track=track).exists()
    assert tracks_processing_resume(now=later) == 0


def test_the_embedded_edge_lets_a_crossorigin_audio_element_read_what_it_seeks(published_track, client):
    # The web player's element is marked crossorigin="anonymous" (its loudness gain goes through Web Audio):
    # every answer must allow the site to read it, a part of the file as much as the preflight.
    grant = api_for(_listener()).get(f"/api/v1/tracks/{published_track.pk}/stream/").json()
    origin = {"Origin": "http://testserver"}

    ranged = _fetch(client, grant["url"], Range="bytes=100-199", **origin)
    whole = _fetch(client, grant["url"], **origin)
    preflight = client.options(urlsplit(grant["url"]).path, HTTP_ORIGIN="http://testserver")

    assert ranged.status_code == 206
    assert len(_body(ranged)) == 100
    assert whole.status_code == 200
    for response in (ranged, whole, preflight):
        assert response["Access-Control-Allow-Origin"] == "*"
        assert not response.has_header("Access-Control-Allow-Credentials")
    assert ranged["Access-Control-Expose-Headers"] == "Content-Length, Content-Range"
    assert preflight["Access-Control-Allow-Headers"] == "Range"
