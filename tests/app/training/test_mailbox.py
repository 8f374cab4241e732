"""The mailbox between the training thread and the GUI: every step arrives once and in order,
snapshots are latest-wins, the final event is never lost or replaced."""

import threading

import numpy as np

from app.training.mailbox import Mailbox
from engine.training import BatchEnd, EpochEnd, Failed, Finished, RunStarted, Snapshot, Stopped


def batch(step: int) -> BatchEnd:
    return BatchEnd(epoch=0, step=step, batch=step, loss=1.0 / step, lr=0.1, samples_per_s=100.0)


def test_steps_and_epochs_accumulate_snapshots_are_latest_wins_and_take_empties():
    box = Mailbox()
    assert not box.take()
    started = RunStarted("cpu", "fp32", 10, {"model": 10}, "digits", 100, 20, 4, 2)
    box.put(started)
    for step in (1, 2, 3):
        box.put(batch(step))
    box.put(Snapshot(0, 2, {"a": np.zeros(2)}))
    box.put(Snapshot(0, 3, {"a": np.ones(2)}))
    box.put(EpochEnd(0, {"loss": 1.0}, {"loss": 1.1}, 0.1, 1.0, True))
    got = box.take()
    assert got.started is started
    assert [b.step for b in got.batches] == [1, 2, 3]
    assert [e.epoch for e in got.epochs] == [0]
    assert got.snapshot.step == 3 and got.replaced_snapshots == 1
    assert got.final is None
    again = box.take()
    assert not again and again.batches == () and again.snapshot is None


def test_the_first_final_event_is_kept_until_taken():
    box = Mailbox()
    box.put(batch(1))
    box.put(Stopped(0, 1))
    box.put(Failed("late"))  # cannot replace the outcome
    got = box.take()
    assert isinstance(got.final, Stopped) and [b.step for b in got.batches] == [1]
    box.put(Finished(1, {}, {}, 1.0))
    assert isinstance(box.take().final, Finished)


def test_a_producer_thread_loses_no_step_while_the_consumer_takes():
    box = Mailbox()
    steps = 20000
    received: list[int] = []
    done = threading.Event()

    def produce():
        for step in range(1, steps + 1):
            box.put(batch(step))
            if step % 500 == 0:
                box.put(Snapshot(0, step, {}))
        box.put(Finished(1, {}, {}, 1.0))
        done.set()

    thread = threading.Thread(target=produce)
    thread.start()
    final = None
    while final is None:
        got = box.take()
        received.extend(b.step for b in got.batches)
        final = got.final
        if not got:
            done.wait(0.0005)
    thread.join()
    received.extend(b.step for b in box.take().batches)
    assert received == list(range(1, steps + 1)) and isinstance(final, Finished)
