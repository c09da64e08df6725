"""VersionedIndex: built in the background, never served for another data version, safe to share."""

from __future__ import annotations

import threading

from oversight.versioned_index import VersionedIndex


class Data:
    """Anything with a `version` (as Store and RemoteStore have)."""

    def __init__(self) -> None:
        self.version, self.value = "v1", 1


def gated_builder():
    """A build that waits for `gate`, so a test sees the index while it is building."""
    gate, calls = threading.Event(), []

    def build(data: Data) -> tuple[str, int]:
        calls.append(data.version)
        gate.wait(10)
        return data.version, data.value

    return build, gate, calls


def test_get_does_not_wait_for_a_build_and_then_serves_it():
    build, gate, calls = gated_builder()
    index, data = VersionedIndex("t", build), Data()
    index.start(data)
    assert index.get(data) is None and index.building(data)  # not ready yet: the caller answers otherwise
    gate.set()
    assert index.wait(data, 10) == ("v1", 1)
    assert index.get(data) == ("v1", 1) and not index.building(data)
    assert calls == ["v1"]  # one build, however many callers


def test_a_new_version_is_never_answered_from_the_old_index():
    build, gate, calls = gated_builder()
    index, data = VersionedIndex("t", build), Data()
    gate.set()
    assert index.wait(data, 10) == ("v1", 1)
    gate.clear()
    data.version, data.value = "v2", 2  # a write
    assert index.get(data) is None  # the old value is not served, a rebuild starts
    data.version, data.value = "v3", 3  # another write while that rebuild runs
    gate.set()
    assert index.wait(data, 10) == ("v3", 3)
    assert calls[-1] == "v3" and index.building(data) is False


def test_a_failing_build_is_not_retried_until_the_data_changes(caplog):
    calls = []

    def build(data: Data) -> int:
        calls.append(data.version)
        if data.version == "v1":
            raise RuntimeError("broken")
        return data.value

    index, data = VersionedIndex("t", build), Data()
    assert index.wait(data, 10) is None
    assert index.get(data) is None and index.wait(data, 10) is None and calls == ["v1"]
    assert "building the t index failed" in caplog.text
    data.version, data.value = "v2", 2
    assert index.wait(data, 10) == 2 and calls == ["v1", "v2"]


def test_many_threads_asking_at_once_start_one_build():
    build, gate, calls = gated_builder()
    index, data = VersionedIndex("t", build), Data()
    answers: list = []
    askers = [threading.Thread(target=lambda: answers.append(index.get(data))) for _ in range(16)]
    for t in askers:
        t.start()
    for t in askers:
        t.join()
    gate.set()
    assert answers == [None] * 16 and index.wait(data, 10) == ("v1", 1) and calls == ["v1"]
