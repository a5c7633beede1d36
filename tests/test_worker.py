"""Uploads parsed in the worker process: results as in-process, and limits of memory and time that hold."""

from __future__ import annotations

import json
import threading

import pytest
from conftest import own_event, own_features

from presence.dataset import BUNDLED_DATA, Dataset
from presence.exports import events_csv
from presence.upload import parse_upload
from presence.worker import CHUNK_EVENTS, RECYCLE_AFTER_BYTES, UploadWorker


def own_csv(dataset: Dataset, n: int) -> bytes:
    events = [e.model_copy(update={"id": f"mine-{i}"}) for i, e in enumerate(dataset.events[:n])]
    return events_csv(events).encode()


def big_geojson(features: int) -> bytes:
    """A valid-looking FeatureCollection with long texts: costly to read, whatever the limits say."""
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [44.4, 33.3]},
        "properties": {"id": "x", "title": "t" * 1500, "summary": "s" * 7000},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature] * features}).encode()


@pytest.fixture
def worker():
    made = UploadWorker(BUNDLED_DATA)
    yield made
    made._stop()


def test_the_worker_reads_a_file_as_the_server_would(dataset: Dataset, worker: UploadWorker):
    data = own_csv(dataset, 5)
    result = worker.parse("mine.csv", data)
    assert result == parse_upload("mine.csv", data, dataset)
    assert [e.id for e in result.events] == [f"mine-{i}" for i in range(5)]
    first = worker.pid
    assert worker.parse("again.csv", data).events and worker.pid == first  # a small file keeps the worker


@pytest.mark.parametrize("n", [0, 1, CHUNK_EVENTS, 2 * CHUNK_EVENTS + 1])
def test_events_come_back_a_chunk_at_a_time_whole_and_in_order(dataset: Dataset, worker: UploadWorker, n: int):
    features = [own_event(id=f"mine-{i}") for i in range(n)]  # distinct ids show order and completeness
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    result = worker.parse("mine.geojson", data)
    assert result == parse_upload("mine.geojson", data, dataset)
    assert [e.id for e in result.events] == [f"mine-{i}" for i in range(n)]


def test_a_file_that_needs_too_much_memory_is_named_and_the_worker_replaced(dataset: Dataset):
    worker = UploadWorker(BUNDLED_DATA, memory_bytes=64 * 2**20)
    try:
        result = worker.parse("heavy.geojson", big_geojson(5000))  # 43 MB of text, several times that parsed
        assert not result.events
        assert [str(p) for p in result.problems] == [
            "heavy.geojson: needs more than 64 MB of memory to read; nothing was loaded"
        ]
        assert worker.parse("mine.csv", own_csv(dataset, 2)).events  # the next reader is served
    finally:
        worker._stop()


def test_a_file_that_takes_too_much_processor_time_is_stopped(dataset: Dataset):
    worker = UploadWorker(BUNDLED_DATA, seconds=1)  # reading this file takes about 8 s of processor time here
    try:
        result = worker.parse("slow.geojson", own_features(90_000))
        assert [str(p) for p in result.problems] == [
            "slow.geojson: took more than 1 s of processor time to read and was stopped; nothing was loaded"
        ]
        assert worker.pid is None  # stopped, not left running
        assert worker.parse("mine.csv", own_csv(dataset, 2)).events  # the next reader is served
    finally:
        worker._stop()


def test_after_a_large_file_the_worker_gives_its_memory_back(dataset: Dataset, worker: UploadWorker):
    data = own_csv(dataset, 393)
    data += b"\n" * (RECYCLE_AFTER_BYTES - len(data) + 1)  # blank lines: same events, a large file
    assert len(worker.parse("big.csv", data).events) == 393
    assert worker.pid is None  # the process that read it has exited


def test_uploads_at_the_same_time_take_turns_and_each_gets_its_own_result(dataset: Dataset, worker: UploadWorker):
    results = {}

    def upload(n: int) -> None:
        results[n] = worker.parse(f"mine-{n}.csv", own_csv(dataset, n))

    threads = [threading.Thread(target=upload, args=(n,)) for n in (2, 3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert {n: (r.name, len(r.events)) for n, r in results.items()} == {n: (f"mine-{n}.csv", n) for n in (2, 3, 4)}
