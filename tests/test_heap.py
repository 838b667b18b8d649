"""The garbage collector paused around heavy work: back on afterwards whatever happens, and only once the last of
several blocks running at once (in any thread) has ended. No database needed."""

import gc
import threading

import pytest

from workflow import heap


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_off_inside_and_on_again_after():
    with heap.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_is_on_again_after_an_error():
    with pytest.raises(RuntimeError), heap.collector_paused():
        raise RuntimeError("rendering failed")
    assert gc.isenabled()


def test_blocks_at_once_in_several_threads_resume_it_when_the_last_one_ends():
    inside, release = threading.Barrier(3), threading.Event()

    def work():
        with heap.collector_paused():
            inside.wait(timeout=10)
            release.wait(timeout=10)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    inside.wait(timeout=10)
    with heap.collector_paused():
        release.set()
        threads[0].join(timeout=10)
        threads[1].join(timeout=10)
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_beforehand_stays_off():
    gc.disable()
    with heap.collector_paused():
        pass
    assert not gc.isenabled()
