from spotifyclone.celery import app


def test_every_periodic_task_is_a_registered_task():
    app.loader.import_default_modules()

    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, f"beat entry {name} names an unknown task"


def test_transcoding_has_its_own_queue():
    router = app.amqp.router

    assert router.route({}, "streaming.tasks.track_transcode")["queue"].name == "transcode"
    assert router.route({}, "streaming.tasks.play_report")["queue"].name == "default"
