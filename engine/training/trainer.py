"""The training loop: `Trainer(document or module, config).run(callback)`.

`run` executes on the caller's thread (the app's worker thread, or the CLI's main
thread) and reports typed events (engine.training.events). The other methods
(`cancel`, `pause`, `resume`, `pause_after`, `set_lr`, `watch`, `request_snapshot`,
`call_between_steps`) are safe to call from any thread while it runs: cancel and
pause take effect before the next batch, a new learning rate at the next step.
"""

from __future__ import annotations

import contextlib
import gc
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn as nn

from engine.analysis import Analysis, Analyzer
from engine.compiler import CompileError, compile_network
from engine.data import DataBundle, DataError, LoadContext, load_dataset
from engine.document import Document, DocumentError
from engine.graph import Graph, Problem
from engine.inspect.activations import activation_maps
from engine.inspect.boundary import decision_boundary
from engine.inspect.filters import conv_layers, filter_grid
from engine.training import checkpoint
from engine.training.config import TrainConfig
from engine.training.data_size import at_data_size
from engine.training.events import BatchEnd, EpochEnd, Event, Failed, Finished, RunStarted, Snapshot, Stopped
from engine.training.loader import batch_count, to_device
from engine.training.optim import Schedule, build_optimizer
from engine.training.tasks import TASK_CLASSES, InputInfo, Runtime, Task, TrainingError
from engine.weights import load_weights, save_weights

__all__ = ["Trainer", "resolve_device"]

Callback = Callable[[Event], None]
_HIGHER_IS_BETTER = ("accuracy", "top5", "psnr", "miou", "iou", "elbo", "gain")
_BOUNDARY_POINTS = 400  # data points sent with a decision boundary


def resolve_device(name: str) -> torch.device:
    """"auto" picks CUDA, then Apple's MPS, then the CPU; an unavailable device is an error."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise TrainingError("CUDA is not available here: set training.device to 'auto' or 'cpu'")
    if name == "mps" and not torch.backends.mps.is_available():
        raise TrainingError("Apple's MPS is not available here: set training.device to 'auto' or 'cpu'")
    return torch.device(name)


class _NonFinite(Exception):
    def __init__(self, step: int, name: str, value: float) -> None:
        self.step, self.name, self.value = step, name, value


class Trainer:
    """Trains the network(s) of a document (compiled here) or modules built elsewhere.

    `out_dir` receives a checkpoint after every epoch (`checkpoint/`), the best
    weights by validation (`best/`) and the final weights (`<network>.safetensors`).
    `resume` is a checkpoint folder to continue from. Snapshots (introspection for
    the GUI) are taken at most every `snapshot_every` seconds (None: never).
    """

    def __init__(
        self,
        source: Document | nn.Module | Mapping[str, nn.Module],
        config: TrainConfig | Mapping[str, Any] | None = None,
        *,
        models: Mapping[str, nn.Module] | None = None,
        out_dir: str | Path | None = None,
        resume: str | Path | None = None,
        snapshot_every: float | None = 2.0,
        tensorboard: bool = False,
        num_workers: int = 0,
        report_interval: float | None = None,
    ) -> None:
        self.document = source if isinstance(source, Document) else None
        if config is None:
            if self.document is None:
                raise TypeError("a Trainer of modules needs a config")
            config = TrainConfig.from_dict(self.document.training)
        elif not isinstance(config, TrainConfig):
            config = TrainConfig.from_dict(config)
        self.config: TrainConfig = config
        if self.document is None:
            models = {"model": source} if isinstance(source, nn.Module) else dict(source)
        self._given_models = dict(models) if models else None
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.resume_from = Path(resume) if resume is not None else None
        self.snapshot_every = snapshot_every
        self.tensorboard = tensorboard
        self.num_workers = num_workers
        self.report_interval = report_interval
        self.models: dict[str, nn.Module] = {}
        self.inputs: dict[str, list[InputInfo]] = {}
        self.task: Task | None = None
        self.data: DataBundle | None = None
        self.history: list[dict[str, float]] = []
        self._cancel = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._lock = threading.Lock()
        self._pending_lr: float | None = None
        self._lr_changes: list[tuple[int, float]] = []
        self._watched: tuple[str, ...] = ()
        self._watched_sample = 0
        self._pause_at: int | None = None
        self._snapshot_requested = False
        self._requests: list[tuple[Callable[[], Any], Future]] = []
        self._in_loop = False
        self._prepared = False

    # -- controls (any thread) ----------------------------------------------------------
    def cancel(self) -> None:
        self._cancel.set()
        self._running.set()  # wake a paused loop so it can stop

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def set_lr(self, lr: float) -> None:
        """A new base learning rate from the next step on (the schedule continues relative to it)."""
        if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
            raise ValueError(f"expected a positive learning rate, got {lr!r}")
        with self._lock:
            self._pending_lr = float(lr)

    def pause_after(self, step: int | None) -> None:
        """Pause by itself once global step `step` is done (None: never); `resume` goes on."""
        with self._lock:
            self._pause_at = step

    def watch(self, node_ids: Sequence[str], sample: int = 0) -> None:
        """Nodes whose activation maps (for validation sample `sample`) go into snapshots;
        a watched convolution's filters go in too."""
        with self._lock:
            self._watched = tuple(node_ids)
            self._watched_sample = max(0, int(sample))

    def request_snapshot(self) -> None:
        """Take a snapshot at the next batch boundary (also while paused), whatever `snapshot_every` says."""
        with self._lock:
            self._snapshot_requested = True

    def call_between_steps(self, fn: Callable[[], Any]) -> Future:
        """Run `fn()` on the training thread between two steps (also while paused), where the
        weights are consistent: e.g. copy a network to inspect it while it trains. With no run in
        progress, `fn` runs at once on the caller's thread. The result (or error) is in the Future."""
        future: Future = Future()
        with self._lock:
            if self._in_loop:
                self._requests.append((fn, future))
                return future
        _run_into(future, fn)
        return future

    # -- set-up --------------------------------------------------------------------------
    def prepare(self) -> None:
        """Load data, build networks, optimizers and schedules; restore a checkpoint. Idempotent."""
        if self._prepared:
            return
        cfg = self.config
        self.device = resolve_device(cfg.device)
        torch.manual_seed(cfg.seed)
        self.generator = torch.Generator().manual_seed(cfg.seed)
        ctx = LoadContext(cfg.task, cfg.seed, cfg.validation_split)
        self.data = load_dataset(cfg.dataset.name, cfg.dataset.options, ctx)
        self.data.train = to_device(self.data.train, self.device)
        self.data.val = to_device(self.data.val, self.device)
        task_cls = TASK_CLASSES[cfg.task]
        self.notes: list[str] = []
        self._build_models(task_cls)
        self.precision = cfg.precision
        if cfg.precision == "fp16" and self.device.type != "cuda":
            self.notes.append("fp16 needs CUDA: running in fp32")
            self.precision = "fp32"
        fp16 = self.precision == "fp16"
        dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(self.precision)
        device_type = self.device.type

        def autocast() -> contextlib.AbstractContextManager:
            return torch.autocast(device_type, dtype=dtype) if dtype is not None else contextlib.nullcontext()

        self.steps_per_epoch = max(1, batch_count(self.data.train, cfg.batch_size))
        self.optimizers = {name: build_optimizer(m.parameters(), cfg.optimizer) for name, m in self.models.items()
                           if any(p.requires_grad for p in m.parameters())}
        self.schedules = {name: Schedule(opt, cfg.schedule, cfg.optimizer.lr, self.steps_per_epoch, cfg.epochs)
                          for name, opt in self.optimizers.items()}
        self.scalers = {name: torch.amp.GradScaler(device_type, enabled=fp16) for name in self.optimizers}
        self.runtime = Runtime(self.device, self.optimizers, self.scalers, autocast, cfg.grad_clip, self.generator,
                               self.num_workers)
        self.task = task_cls(cfg, self.data, self.models, self.inputs)
        self.task.bind(self.runtime)
        self.task.check()
        self.start_epoch, self.step = 0, 0
        self.best_value: float | None = None
        self.best_metrics: dict[str, float] = {}
        self.bad_epochs = 0
        if self.resume_from is not None:
            self._restore(self.resume_from)
        self._prepared = True

    def _build_models(self, task_cls: type[Task]) -> None:
        names = task_cls.networks
        if self.document is not None:
            doc = self.document
            analyzer = Analyzer()
            for name in names:
                if name == "model":
                    graph = doc.network()
                elif name in doc.networks:
                    graph = doc.networks[name]
                else:
                    raise TrainingError(f"task {task_cls.name} needs networks {', '.join(names)}; "
                                        f"the document has {', '.join(doc.networks) or 'none'}")
                problems = doc.problems(name if name in doc.networks else None)
                analysis = analyzer.analyze(graph, problems)
                shape_analysis = self._at_data_size(name, graph, analysis, analyzer, problems)
                self.inputs[name] = [
                    InputInfo(i, analysis.flat.nodes[i].params["kind"],
                              tuple(shape_analysis.nodes[i].outputs[0].shape))
                    for i in analysis.flat.inputs if shape_analysis.nodes[i].ok
                ]
                if self._given_models and name in self._given_models:
                    self.models[name] = self._given_models[name]
                else:
                    title = f"{doc.title} {name}" if len(names) > 1 else doc.title
                    self.models[name] = compile_network(graph, analysis=analysis, class_name=title)
        else:
            missing = [n for n in names if n not in self._given_models]
            if missing:
                raise TrainingError(f"task {task_cls.name} needs modules named {', '.join(names)}")
            self.models = {n: self._given_models[n] for n in names}
        for model in self.models.values():
            model.to(self.device)

    def _at_data_size(self, name: str, graph: Graph, analysis: Analysis, analyzer: Analyzer,
                      problems: Sequence[Problem]) -> Analysis:
        """The analysis at the data's image size, when the network accepts it (engine.training.data_size)."""
        shape_analysis, size = at_data_size(graph, analysis, analyzer, problems, tuple(self.data.input_shape))
        if size is not None:
            self.notes.append(size.note(name))
        return shape_analysis

    # -- checkpoints -------------------------------------------------------------------
    def _save_checkpoint(self, epoch: int) -> Path | None:
        if self.out_dir is None:
            return None
        folder = self.out_dir / "checkpoint"
        for name, model in self.models.items():
            save_weights(model, folder / f"{name}.safetensors")
        state = {
            "epoch": epoch + 1,
            "step": self.step,
            "optimizers": {n: o.state_dict() for n, o in self.optimizers.items()},
            "schedules": {n: s.state_dict() for n, s in self.schedules.items()},
            "scalers": {n: s.state_dict() for n, s in self.scalers.items()},
            "rng": torch.get_rng_state(),
            "data_rng": self.generator.get_state(),
            "history": self.history,
            "best_value": self.best_value,
            "best_metrics": self.best_metrics,
            "bad_epochs": self.bad_epochs,
        }
        if torch.cuda.is_available():
            state["cuda_rng"] = torch.cuda.get_rng_state_all()
        checkpoint.save_state(state, folder)
        return folder

    def _restore(self, folder: Path) -> None:
        state = checkpoint.load_state(folder)
        for name, model in self.models.items():
            load_weights(model, folder / f"{name}.safetensors")
        for name, opt in self.optimizers.items():
            opt.load_state_dict(state["optimizers"][name])
        for name, sched in self.schedules.items():
            sched.load_state_dict(state["schedules"][name])
        for name, scaler in self.scalers.items():
            if state["scalers"].get(name):
                scaler.load_state_dict(state["scalers"][name])
        torch.set_rng_state(state["rng"])
        self.generator.set_state(state["data_rng"])
        if "cuda_rng" in state and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state["cuda_rng"])
        self.start_epoch, self.step = int(state["epoch"]), int(state["step"])
        self.history = list(state["history"])
        self.best_value = state["best_value"]
        self.best_metrics = dict(state["best_metrics"])
        self.bad_epochs = int(state["bad_epochs"])

    def save_weights(self, folder: str | Path) -> dict[str, str]:
        """Each network's weights as `<folder>/<network>.safetensors`."""
        folder = Path(folder)
        return {name: str(save_weights(model, folder / f"{name}.safetensors"))
                for name, model in self.models.items()}

    # -- the run -------------------------------------------------------------------------
    def run(self, callback: Callback | None = None) -> Event:
        """Train; returns the final event (Finished, Stopped or Failed), which is also reported.

        Errors never escape: a bad recipe, a network that does not fit its data, a
        non-finite loss or running out of memory end the run with a Failed event.
        """
        emit = callback or (lambda event: None)
        self._writer = None
        try:
            self.prepare()
        except (TrainingError, DataError, DocumentError, CompileError, ValueError, FileNotFoundError, KeyError) as exc:
            return self._finish(Failed(str(exc)), emit)
        except Exception as exc:  # noqa: BLE001 - e.g. the first forward pass of a task's check
            return self._finish(Failed(f"preparing the run: {type(exc).__name__}: {exc}"), emit)
        with self._lock:
            self._in_loop = True
        try:
            return self._loop(emit)
        except _NonFinite as exc:
            lr = self.schedules[next(iter(self.schedules))].lr if self.schedules else self.config.optimizer.lr
            return self._finish(Failed(
                f"the {exc.name} became {exc.value} at step {exc.step}: training diverged; lower the learning "
                f"rate (it was {lr:g}) or clip gradients (training.grad_clip)", exc.step), emit)
        except torch.cuda.OutOfMemoryError:
            self._free_memory()
            return self._finish(Failed(
                f"out of memory on {self.device} at step {self.step + 1} with batch size {self.config.batch_size}: "
                "try a smaller batch size (training.batch_size) or a smaller network", self.step + 1), emit)
        except Exception as exc:  # noqa: BLE001 - the worker thread must survive anything
            return self._finish(Failed(f"step {self.step + 1}: {type(exc).__name__}: {exc}", self.step + 1), emit)
        finally:
            with self._lock:
                self._in_loop = False
                requests, self._requests = self._requests, []
            for fn, future in requests:  # asked for while the run ended: answer them here
                _run_into(future, fn)
            if self._writer is not None:
                self._writer.close()

    def _finish(self, event: Event, emit: Callback) -> Event:
        emit(event)
        return event

    def _free_memory(self) -> None:
        for opt in getattr(self, "optimizers", {}).values():
            opt.zero_grad(set_to_none=True)
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()

    def _open_tensorboard(self) -> None:
        if not self.tensorboard or self.out_dir is None:
            return
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError:
            self.notes.append("TensorBoard logging is off: the tensorboard package is not installed")
            return
        self._writer = SummaryWriter(str(self.out_dir / "tensorboard"))

    def _loop(self, emit: Callback) -> Event:
        cfg, task = self.config, self.task
        started = time.perf_counter()
        self._open_tensorboard()
        params = {n: sum(p.numel() for p in m.parameters() if p.requires_grad) for n, m in self.models.items()}
        emit(RunStarted(
            device=str(self.device), precision=self.precision, params=sum(params.values()), networks=params,
            dataset=self.data.name, train_size=len(self.data.train), val_size=len(self.data.val or ()),
            steps_per_epoch=self.steps_per_epoch, epochs=cfg.epochs, start_epoch=self.start_epoch,
            notes=tuple(self.notes),
        ))
        interval = self.report_interval
        if interval is None:
            interval = 0.0 if self.device.type == "cpu" else 0.1  # on a GPU, read the loss ~10 times a second
        last_snapshot = -math.inf
        last_checkpoint: Path | None = self.resume_from
        early_stopped = False
        epoch = self.start_epoch
        for epoch in range(self.start_epoch, cfg.epochs):
            epoch_start = time.perf_counter()
            task.train_mode(True)
            pending: list[dict[str, torch.Tensor]] = []
            pending_samples, mark = 0, time.perf_counter()
            batch_index = 0
            for batch in task.batches("train"):
                if self.paused and pending:  # what was trained before the pause shows while paused
                    now = time.perf_counter()
                    emit(self._flush(pending, epoch, batch_index, pending_samples / max(now - mark, 1e-9)))
                    pending, pending_samples, mark = [], 0, now
                self._service(emit, epoch)
                was_paused = self.paused
                if self._cancel.is_set() or not self._wait_if_paused(lambda e=epoch: self._service(emit, e)):
                    return self._finish(Stopped(epoch, self.step, str(last_checkpoint) if last_checkpoint else None),
                                        emit)
                if was_paused:
                    mark = time.perf_counter()  # the pause is not training time (samples/s, ETA)
                batch_index += 1
                self._apply_pending_lr()
                for name, schedule in self.schedules.items():
                    self.runtime.lrs[name] = schedule.apply()
                values = task.train_step(batch)
                for schedule in self.schedules.values():
                    schedule.advance()
                self.step += 1
                pending.append(values)
                pending_samples += task.batch_size_of(batch)
                with self._lock:
                    if self._pause_at is not None and self.step >= self._pause_at:
                        self._pause_at = None
                        self.pause()
                now = time.perf_counter()
                if now - mark >= interval:
                    emit(self._flush(pending, epoch, batch_index, pending_samples / max(now - mark, 1e-9)))
                    pending, pending_samples, mark = [], 0, now
                    if self.snapshot_every is not None and now - last_snapshot >= self.snapshot_every:
                        self._snapshot(emit, epoch)
                        task.train_mode(True)
                        last_snapshot = time.perf_counter()
            if pending:
                now = time.perf_counter()
                emit(self._flush(pending, epoch, batch_index, pending_samples / max(now - mark, 1e-9)))
            train = task.train_metrics()
            task.train_mode(False)
            val, confusion = task.evaluate()
            for name, value in {**train, **val}.items():
                if not math.isfinite(value) and name in ("loss",):
                    raise _NonFinite(self.step, f"validation {name}", value)
            record = {**{f"train_{k}": v for k, v in train.items()}, **{f"val_{k}": v for k, v in val.items()}}
            self.history.append(record)
            best = self._update_best(record)
            if best and self.out_dir is not None:
                self.save_weights(self.out_dir / "best")
            last_checkpoint = self._save_checkpoint(epoch) or last_checkpoint
            lr = next(iter(self.schedules.values())).lr if self.schedules else cfg.optimizer.lr
            emit(EpochEnd(epoch, train, val, lr, time.perf_counter() - epoch_start, best, confusion))
            if self._writer is not None:
                for key, value in record.items():
                    self._writer.add_scalar(key.replace("_", "/", 1), value, epoch + 1)
            if self.snapshot_every is not None:  # every epoch ends with one (a GAN's grid per epoch)
                self._snapshot(emit, epoch)
                last_snapshot = time.perf_counter()
            if cfg.early_stopping is not None and self.bad_epochs >= cfg.early_stopping.patience:
                early_stopped = True
                break
        weights = self.save_weights(self.out_dir) if self.out_dir is not None else {}
        done = (epoch + 1) if self.history else self.start_epoch
        return self._finish(Finished(
            epochs=done, metrics=dict(self.history[-1]) if self.history else {}, best=dict(self.best_metrics),
            seconds=time.perf_counter() - started, early_stopped=early_stopped, weights=weights,
            checkpoint=str(last_checkpoint) if last_checkpoint else None,
        ), emit)

    def _wait_if_paused(self, service: Callable[[], None] = lambda: None) -> bool:
        """Block while paused (answering requests meanwhile); False when cancelled meanwhile."""
        while not self._running.wait(timeout=0.05):
            service()
        return not self._cancel.is_set()

    def _service(self, emit: Callback, epoch: int) -> None:
        """Between two steps: run what other threads asked for, take a requested snapshot."""
        with self._lock:
            requests, self._requests = self._requests, []
            snapshot, self._snapshot_requested = self._snapshot_requested, False
        for fn, future in requests:
            _run_into(future, fn)
        if snapshot:
            self._snapshot(emit, epoch)
            self.task.train_mode(True)

    def _apply_pending_lr(self) -> None:
        with self._lock:
            lr, self._pending_lr = self._pending_lr, None
        if lr is not None:
            for schedule in self.schedules.values():
                schedule.set_base_lr(lr)
            self._lr_changes.append((self.step + 1, lr))

    def _flush(self, pending: list[dict[str, torch.Tensor]], epoch: int, batch: int, rate: float) -> BatchEnd:
        """Read the pending step values (one device sync), check they are finite, make a BatchEnd."""
        first_step = self.step - len(pending) + 1
        where = [(i, k) for i, values in enumerate(pending) for k in values]
        numbers = torch.stack([pending[i][k].float().reshape(()) for i, k in where]).tolist()
        sums: dict[str, list[float]] = {}
        for (i, k), value in zip(where, numbers):
            if not math.isfinite(value):
                raise _NonFinite(first_step + i, k.replace("_", " "), value)
            sums.setdefault(k, []).append(value)
        means = {k: sum(v) / len(v) for k, v in sums.items()}
        lr = next(iter(self.runtime.lrs.values()), self.config.optimizer.lr)
        loss = means.pop("loss")
        if self._writer is not None:
            self._writer.add_scalar("batch/loss", loss, self.step)
        changes, self._lr_changes = tuple(self._lr_changes), []
        return BatchEnd(epoch, self.step, batch, loss, lr, rate, means, changes)

    def _update_best(self, record: dict[str, float]) -> bool:
        stopping = self.config.early_stopping
        metric = stopping.metric if stopping is not None else self.task.monitor
        if metric is None or metric not in record:
            if stopping is not None:
                raise TrainingError(f"training.early_stopping.metric: this run has no metric '{metric}' "
                                    f"(it has: {', '.join(record)})")
            self.best_metrics = dict(record)
            return True
        value = record[metric]
        higher = any(word in metric for word in _HIGHER_IS_BETTER)
        delta = stopping.min_delta if stopping is not None else 0.0
        if self.best_value is None or (value > self.best_value + delta if higher else value < self.best_value - delta):
            self.best_value, self.best_metrics, self.bad_epochs = value, dict(record), 0
            return True
        self.bad_epochs += 1
        return False

    def _snapshot(self, emit: Callback, epoch: int) -> None:
        with self._lock:
            watched, sample = self._watched, self._watched_sample
        data = self.snapshot_data(watched, sample)
        if data:
            emit(Snapshot(epoch, self.step, data))

    def snapshot_data(self, watched: Sequence[str] = (), sample: int = 0) -> dict[str, Any]:
        """What a snapshot shows, computed now: the task's views (predictions, samples...), the
        first convolution's filters, a decision boundary for 2-D inputs, and each node in
        `watched`: its activations for validation sample `sample` (`activations/<id>`, with the
        sample as `watched_input`) and, for a convolution, its filters (`filters/<id>`).

        Call it on the training thread (snapshots, `call_between_steps`) or when no run is in
        progress. Nodes the network lacks are left out. Values are numpy arrays (or text).
        """
        self.prepare()
        task = self.task
        task.train_mode(False)
        with torch.no_grad():
            data: dict[str, Any] = task.snapshot()
            pixel_model = self.models.get("model", self.models.get("discriminator"))
            if pixel_model is not None and conv_layers(pixel_model) and "filters" not in data:
                data["filters"] = filter_grid(pixel_model)
            self._add_boundary(data)
        model = next(iter(self.models.values()))
        modules = dict(model.named_modules())
        watched = [n for n in watched if n and n in modules]
        if watched:
            inputs = task.sample_input(sample + 1)
            if inputs is not None:
                sample = min(sample, len(inputs[0]) - 1)
                data.update({f"activations/{k}": v for k, v in activation_maps(model, inputs, watched, sample).items()})
                data["watched_input"] = inputs[0][sample].detach().float().cpu().numpy()
            for node_id in watched:
                if isinstance(modules[node_id], (nn.Conv2d, nn.ConvTranspose2d)):
                    data[f"filters/{node_id}"] = filter_grid(model, node_id)
        return {k: (np.asarray(v) if not isinstance(v, str) else v) for k, v in data.items()}

    def _add_boundary(self, data: dict[str, Any]) -> None:
        """Any network with one 2-D vector input gets a decision boundary (and the data points)."""
        infos = next(iter(self.inputs.values()), []) if self.inputs else []
        dataset = self.data.val or self.data.train
        if not (self.data.input_shape == (2,) and len(infos) <= 1 and dataset is not None and len(dataset)):
            return
        items = [dataset[i] for i in range(min(_BOUNDARY_POINTS, len(dataset)))]
        points = torch.stack([item[0] for item in items]).float().cpu()
        labels = torch.stack([torch.as_tensor(item[1]) for item in items]).float().cpu().reshape(len(items), -1)[:, 0]
        if "boundary" not in data:
            extent = self.data.extent or _extent_of(points)
            grid = decision_boundary(next(iter(self.models.values())), extent, 100, device=self.device)
            data["boundary"], data["boundary_extent"] = grid.values, np.array(extent, np.float32)
        data["points"], data["point_labels"] = points.numpy(), labels.numpy()


def _extent_of(points: torch.Tensor, margin: float = 0.25) -> tuple[float, float, float, float]:
    """A square-ish box around the points with a margin (the truth table's 0/1 corners need one)."""
    low, high = points.min(0).values, points.max(0).values
    pad = margin * torch.clamp(high - low, min=1.0)
    return (float(low[0] - pad[0]), float(high[0] + pad[0]), float(low[1] - pad[1]), float(high[1] + pad[1]))


def _run_into(future: Future, fn: Callable[[], Any]) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        future.set_result(fn())
    except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
        future.set_exception(exc)

