"""The training state machine of one window: idle -> starting -> running <-> paused -> stopping -> idle.

It wires the session (read-only while training, trained weights after), the worker
thread, and a GUI timer that drains the mailbox at most 30 times a second and hands
what arrived to the panels as Qt signals on the GUI thread. It also runs the
introspection that needs no run (activations and filters of the current weights,
activation maximisation, the learning-rate finder) on background threads.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.editor.session import EditSession, TrainedWeights
from app.training.jobs import JobRunner
from app.training.mailbox import Mailbox
from app.training.recipe import check
from app.training.runs import RunRecord, describe_recipe
from app.training.worker import TrainingWorker
from engine.document import Document
from engine.inspect.maximize import maximize_activation
from engine.training import Failed, Finished, Snapshot, Stopped, Trainer, lr_range_test

__all__ = ["DRAIN_MS", "READ_ONLY", "STATES", "TrainingController", "pause_label"]

DRAIN_MS = 33  # the mailbox is drained at most ~30 times a second
PROGRESS_SECONDS = 0.2  # bars, labels and curves follow at most 5 times a second (a frame costs ~10 ms)
SNAPSHOT_SECONDS = 2.0  # how often a run sends pictures of itself (its own thread pays for them)
STATES = ("idle", "starting", "running", "paused", "stopping")
READ_ONLY = "Training is running: the network and the recipe are read-only until it stops (Stop: Shift+F5)"


def pause_label(state: str, glyph: bool = True) -> str:
    """What the Pause button says in `state` (the toolbar, the menu and the panel all ask here)."""
    if state == "paused":
        return "▶  Resume" if glyph else "Resume"
    return "❚❚  Pause" if glyph else "Pause"


class TrainingController(QObject):
    state_changed = Signal(str)
    run_started = Signal(object)  # RunRecord
    progressed = Signal(object)  # RunRecord, after steps or epochs arrived
    epoch_ended = Signal(object)  # EpochEnd
    snapshot = Signal(object)  # engine Snapshot: a run's, or introspection of the current weights (epoch -1)
    run_ended = Signal(object)  # RunRecord, its `final` set
    message = Signal(str)  # refusals and notices for the status bar
    probe_failed = Signal(str)
    maximized = Signal(object)  # (node, channel, image array, activation)
    maximize_failed = Signal(str)
    lr_found = Signal(object)  # engine.training.LRRangeResult
    lr_failed = Signal(str)

    def __init__(self, session: EditSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.state = "idle"
        self.runs: list[RunRecord] = []
        self.current: RunRecord | None = None
        self.trainer: Trainer | None = None
        self.worker: TrainingWorker | None = None
        self.mailbox: Mailbox | None = None
        self.watched: tuple[str, ...] = ()
        self.sample = 0
        self.drains = 0  # timer ticks that found something (benchmarks read these)
        self.last_snapshot_step: int | None = None  # step of the last snapshot shown from the run
        self._final = None
        self._clock: float | None = None
        self._unshown = False  # progress arrived that the panels have not shown yet
        self._shown_at = 0.0
        self._probe: tuple[Any, Trainer] | None = None  # (document state, trainer) for idle introspection
        self.timer = QTimer(self)
        self.timer.setInterval(DRAIN_MS)
        self.timer.timeout.connect(self.drain)
        self.probes = JobRunner("introspection", self)
        self.probes.done.connect(self._probed)
        self.probes.failed.connect(lambda _key, text: self.probe_failed.emit(text))
        self.maximizer = JobRunner("maximize", self)
        self.maximizer.done.connect(lambda _key, result: self.maximized.emit(result))
        self.maximizer.failed.connect(lambda _key, text: self.maximize_failed.emit(text))
        self.lr_finder = JobRunner("lr-finder", self)
        self.lr_finder.done.connect(self._lr_done)
        self.lr_finder.failed.connect(self._lr_failed)
        self.finding_lr = False

    def set_session(self, session: EditSession) -> None:
        """Another document in the window (only when idle); earlier runs stay listed, but none is
        the current one: the last run belongs to the document it trained."""
        if self.state != "idle":
            raise RuntimeError("stop the run before replacing the document")
        self.session = session
        self.current = None
        self._probe = None

    # -- state ---------------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        if state == self.state:
            return
        now = time.monotonic()
        if self.state == "running" and self._clock is not None and self.current is not None:
            self.current.active_seconds += now - self._clock
        self._clock = now if state == "running" else None
        self.state = state
        self.state_changed.emit(state)

    @property
    def busy(self) -> bool:
        return self.state != "idle"

    @property
    def shown_all(self) -> bool:
        """The panels show every step that arrived (progress is throttled to PROGRESS_SECONDS)."""
        return not self._unshown

    def why_not_train(self) -> str | None:
        """Why Train would be refused now, or None."""
        if self.state != "idle":
            return "A run is already in progress"
        if self.finding_lr:
            return "The learning-rate finder is running"
        recipe = self.session.doc.training
        if not recipe:
            return "This document has no training recipe: add one in the Training panel"
        reason = check(recipe)
        if reason:
            return f"The recipe cannot be used: {reason}"
        analysis = self.session.analysis
        if analysis is not None and analysis.errors:
            return "Fix the errors in the Problems list before training"
        return None

    # -- a run -----------------------------------------------------------------------------------
    def start(self, pause_after: int | None = None) -> bool:
        """Train the document as it is now, on the worker thread; False (with a message) when refused."""
        reason = self.why_not_train()
        if reason:
            self.message.emit(reason)
            return False
        doc = self.session.doc
        copy_ = Document.from_dict(doc.to_dict())  # the run reads its own copy; the window keeps editing positions
        trainer = Trainer(copy_, snapshot_every=SNAPSHOT_SECONDS)
        trainer.watch(self.watched, self.sample)
        if pause_after is not None:
            trainer.pause_after(pause_after)
        record = RunRecord(len(self.runs) + 1, doc.title, describe_recipe(doc.training), doc.training["task"])
        self.runs.append(record)
        self.current, self.trainer, self._final = record, trainer, None
        self.last_snapshot_step = None
        self.mailbox = Mailbox()
        self.worker = TrainingWorker(trainer, self.mailbox)
        self.worker.finished.connect(self._worker_finished)
        self.session.set_read_only(READ_ONLY)
        self._set_state("starting")
        self.run_started.emit(record)
        self.worker.start()
        self.timer.start()
        return True

    def pause(self) -> None:
        if self.state in ("starting", "running") and self.trainer is not None:
            self.trainer.pause()
            self._set_state("paused")

    def resume(self) -> None:
        if self.state == "paused" and self.trainer is not None:
            self.trainer.resume()
            self._set_state("running" if self.current and self.current.started else "starting")

    def stop(self) -> None:
        """Cancel: the run ends before its next batch; `run_ended` follows once the thread is done."""
        if self.state in ("starting", "running", "paused") and self.trainer is not None:
            self.trainer.cancel()
            self._set_state("stopping")

    def set_lr(self, lr: float) -> bool:
        """A new learning rate from the run's next step on (marked on the curves)."""
        if self.trainer is None or self.state not in ("starting", "running", "paused"):
            self.message.emit("The learning rate changes live only while a run is in progress")
            return False
        try:
            self.trainer.set_lr(lr)
        except ValueError as exc:
            self.message.emit(str(exc))
            return False
        return True

    def drain(self) -> None:
        """Take what the run sent since the last tick and hand it on (GUI thread)."""
        record = self.current
        if self.mailbox is None or record is None:
            return
        got = self.mailbox.take()
        now = time.monotonic()
        if self.state == "running" and self.trainer is not None and self.trainer.paused:
            self._set_state("paused")  # it paused itself (pause_after)
        if got:
            self.drains += 1
            if got.started is not None:
                record.started = got.started
                if self.state == "starting":
                    self._set_state("running")
            if got.batches:
                record.add_batches(got.batches)
            if got.epochs:
                record.add_epochs(got.epochs)
            self._unshown = self._unshown or got.started is not None or bool(got.batches or got.epochs)
        if self._clock is not None:  # running: bring the active time up to now for the ETA
            record.active_seconds += now - self._clock
            self._clock = now
        # Progress is shown at most every PROGRESS_SECONDS; what arrived meanwhile shows at a later tick.
        if self._unshown and (got.started is not None or got.epochs or got.final is not None
                              or now - self._shown_at >= PROGRESS_SECONDS):
            self._unshown, self._shown_at = False, now
            self.progressed.emit(record)
        for epoch in got.epochs:
            self.epoch_ended.emit(epoch)
        if got.snapshot is not None:
            self.last_snapshot_step = got.snapshot.step
            self.snapshot.emit(got.snapshot)
        if got.final is not None:
            self._final = got.final

    def _worker_finished(self) -> None:
        worker, trainer, record = self.worker, self.trainer, self.current
        if worker is None:
            return
        worker.wait()  # returns at once: the thread has ended; this joins it
        self.drain()
        if self._unshown:
            self._unshown = False
            self.progressed.emit(record)
        self.timer.stop()
        final = self._final or Failed("the training thread ended without a result")
        record.final = final
        self.worker, self.trainer, self.mailbox = None, None, None
        self.session.set_read_only(None)
        if isinstance(final, (Finished, Stopped)) and trainer is not None and trainer.models:
            what = "finished" if isinstance(final, Finished) else f"stopped at step {final.step}"
            self.session.set_trained(TrainedWeights(dict(trainer.models), record.name,
                                                    f"{what}; {record.summary()}".strip("; "), trainer))
            self._probe = None
        self._set_state("idle")  # after the weights are attached: idle views look at them
        self.run_ended.emit(record)

    def stop_and_wait(self) -> None:
        """End a run in progress (within one batch) and join its thread before returning."""
        if self.worker is not None and self.trainer is not None:
            self.trainer.cancel()
            self.worker.wait()
            self._worker_finished()

    def shutdown(self) -> None:
        """The window closes: end the run and every background thread, and join them."""
        self.stop_and_wait()
        self.timer.stop()
        for runner in (self.probes, self.maximizer, self.lr_finder):
            runner.close()

    # -- looking inside ----------------------------------------------------------------------------
    def watch(self, node_ids: tuple[str, ...], sample: int = 0, probe: bool = True) -> None:
        """Show these nodes' activations (for validation sample `sample`): from the run while one is in
        progress, else (with `probe`) computed now from the current weights on a background thread."""
        self.watched, self.sample = tuple(node_ids), max(0, sample)
        if self.trainer is not None and self.state != "idle":
            self.trainer.watch(self.watched, self.sample)
            self.trainer.request_snapshot()
        elif probe:
            self.probe()

    def inspection_trainer(self) -> Trainer | None:
        """A Trainer holding the weights to look at: the last run's, else freshly initialised ones."""
        trained = self.session.trained
        if trained is not None and trained.trainer is not None:
            return trained.trainer
        doc = self.session.doc
        if not doc.training or check(doc.training):
            return None
        # What the pictures depend on: the networks, and the recipe's data and seed (not its optimizer).
        data = {k: doc.training.get(k) for k in ("task", "dataset", "validation_split", "seed")}
        state = (tuple(g.version for g in doc.networks.values()), tuple(b.body.version for b in doc.blocks.values()),
                 repr(data), tuple(doc.networks), tuple(doc.blocks))
        if self._probe is None or self._probe[0] != state:
            self._probe = (state, Trainer(Document.from_dict(doc.to_dict()), snapshot_every=None))
        return self._probe[1]

    def probe(self) -> bool:
        """Introspect the current weights in the background; the result comes as `snapshot`."""
        if self.state != "idle":
            return False
        trainer = self.inspection_trainer()
        if trainer is None:
            self.probe_failed.emit("Add a valid training recipe to look inside the network: its data give the "
                                   "samples")
            return False
        watched, sample = self.watched, self.sample
        self.probes.submit("probe", lambda: trainer.snapshot_data(watched, sample))
        return True

    def _probed(self, _key: str, data: dict) -> None:
        if self.state == "idle":  # a run that started meanwhile sends its own pictures
            trainer = self.session.trained.trainer if self.session.trained is not None else None
            epoch = len(trainer.history) - 1 if trainer is not None else -1  # -1: untrained weights
            self.snapshot.emit(Snapshot(epoch, 0, data))

    def maximize(self, node_id: str, channel: int, steps: int = 128) -> bool:
        """"What does this channel see": activation maximisation on a copy of the current weights."""
        if self.state != "idle":
            source = self.trainer if self.current is not None and self.current.started is not None else None
        else:
            source = self.inspection_trainer()
        if source is None:
            self.maximize_failed.emit("Wait for the run to start, or add a valid training recipe")
            return False

        def job() -> tuple[str, int, Any, float]:
            source.prepare()  # a no-op for a run in progress: it prepared before it started
            network = next(iter(source.models))
            model = source.call_between_steps(lambda: copy.deepcopy(source.models[network])).result(timeout=120)
            shape = source.inputs[network][0].shape if source.inputs.get(network) else source.data.input_shape
            image, value = maximize_activation(model, node_id, channel, shape, steps=steps, device=source.device)
            return node_id, channel, image, value

        self.maximizer.submit("maximize", job)
        return True

    def find_lr(self) -> bool:
        """Smith's learning-rate range test on a copy of the document, in the background."""
        if self.state != "idle" or self.finding_lr:
            self.message.emit("The learning-rate finder runs when no training is in progress")
            return False
        recipe = self.session.doc.training
        reason = "This document has no training recipe" if not recipe else check(recipe)
        if reason:
            self.lr_failed.emit(reason)
            return False
        trainer = Trainer(Document.from_dict(self.session.doc.to_dict()), snapshot_every=None)
        self.finding_lr = True
        self.state_changed.emit(self.state)
        self.lr_finder.submit("lr", lambda: lr_range_test(trainer, start_lr=1e-6, end_lr=10.0, steps=100))
        return True

    def _lr_done(self, _key: str, result: Any) -> None:
        self.finding_lr = False
        self.state_changed.emit(self.state)
        self.lr_found.emit(result)

    def _lr_failed(self, _key: str, text: str) -> None:
        self.finding_lr = False
        self.state_changed.emit(self.state)
        self.lr_failed.emit(text)
