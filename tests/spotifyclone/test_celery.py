import os
import subprocess
import sys

from spotifyclone.celery import app
from tests.spotifyclone.test_settings import MODE_VARIABLES, ROOT


def test_every_periodic_task_is_a_registered_task():
    app.loader.import_default_modules()

    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, f"beat entry {name} names an unknown task"


def test_transcoding_has_its_own_queue():
    router = app.amqp.router

    assert router.route({}, "streaming.tasks.track_transcode")["queue"].name == "transcode"
    assert router.route({}, "streaming.tasks.play_report")["queue"].name == "default"


def test_a_task_sent_in_the_embedded_default_warns_of_nothing():
    """With no broker configured, tasks run in the process: nothing may warn about a broker's address."""
    probe = (
        "import django; django.setup()\n"
        "from streaming.tasks import plays_flush\n"
        "print(plays_flush.delay().get())\n"  # eager: run here, through a producer of the memory broker
    )
    env = {name: value for name, value in os.environ.items() if name not in MODE_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="spotifyclone.settings", LOG_LEVEL="DEBUG")

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "0\n"  # no Redis, no play log: nothing to flush
    assert "WARNING" not in result.stderr, result.stderr
