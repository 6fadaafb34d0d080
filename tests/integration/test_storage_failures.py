"""S3 fails in the middle of an upload: the artist is told, and neither a row nor a blob is left.

The bucket takes the file but its answer is lost on the way back (a read timeout), the
failure that would leave a blob nobody knows about. S3 itself stays up, so these run with
the rest; tests/integration/test_faults.py stops it for real.
"""

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient
from storages.backends.s3 import S3Storage

from catalog.models import Track

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def answer_lost(monkeypatch):
    """S3 stores each file, then the answer never arrives."""
    save = S3Storage._save

    def stored_then_timed_out(self, name, content):
        save(self, name, content)
        raise ReadTimeoutError(endpoint_url=self.endpoint_url or "s3")

    monkeypatch.setattr(S3Storage, "_save", stored_then_timed_out)


def _originals() -> list[str]:
    options = settings.STORAGES["default"]["OPTIONS"]
    s3 = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
        region_name=options["region_name"] or "us-east-1",
    )
    listed = s3.list_objects_v2(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Prefix=f"{options['location']}/originals/")
    return [item["Key"] for item in listed.get("Contents", [])]


def test_an_api_upload_whose_answer_s3_lost_is_a_503_with_no_row_and_no_blob(answer_lost, artist, owner, audio_bytes):
    api = APIClient()
    api.force_authenticate(owner)

    response = api.post(
        "/api/v1/uploads/",
        {"artist": artist.pk, "file": SimpleUploadedFile("Aurora.mp3", audio_bytes("mp3"))},
        format="multipart",
    )

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "storage_unavailable"
    assert (Track.objects.count(), _originals()) == (0, [])


def test_a_studio_upload_whose_answer_s3_lost_says_so_and_keeps_nothing(
    answer_lost, artist, owner, audio_bytes, client
):
    client.force_login(owner)

    response = client.post(
        reverse("studio:upload", kwargs={"slug": artist.slug}),
        {"file": [SimpleUploadedFile("Aurora.mp3", audio_bytes("mp3"))]},
        follow=True,
    )

    assert response.status_code == 200
    assert "Aurora.mp3: The file store is not answering just now" in response.content.decode()
    assert (Track.objects.count(), _originals()) == (0, [])
