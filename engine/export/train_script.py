"""The training-script exporter: a `train.py` that trains the exported model without Netsmith.

It reads nothing from Netsmith: the recipe (dataset, loss, optimizer, schedule, epochs)
is written into the script as constants and code, and it needs only torch,
torchvision for torchvision's datasets, scikit-learn for the digits and safetensors.
It runs on one device, or data-parallel under `torchrun --nproc_per_node N train.py`
(DistributedDataParallel, a DistributedSampler, gloo on CPU and nccl on GPU), prints
its progress and saves the weights as safetensors under Netsmith's names.

Only the code that the recipe needs goes into the file. Datasets follow the
definitions of the training engine: images are float32 in [0, 1] resized
(bilinear) to the network's input, Playground's sets are drawn as TensorFlow
Playground draws them.
"""

from __future__ import annotations

import inspect
import textwrap
from pathlib import Path
from typing import Any

from engine.data.playground import GENERATORS, REGRESSION_KINDS
from engine.export.network import ExportError, ExportTarget
from engine.export.python_code import docstring_text, write_python

__all__ = ["DATASETS", "LOSSES", "TASKS", "train_script", "write_script"]

# task -> the datasets the script can load for it
TASKS: dict[str, tuple[str, ...]] = {
    "classification": ("digits", "mnist", "fashion_mnist", "cifar10", "fake", "image_folder", "playground", "logic",
                       "csv"),
    "regression": ("playground", "csv"),
}
DATASETS = tuple(dict.fromkeys(name for names in TASKS.values() for name in names))
LOSSES: dict[str, tuple[str, ...]] = {
    "classification": ("cross_entropy", "nll", "focal"),
    "regression": ("mse", "mae"),
}
_IMAGE_SETS = ("digits", "mnist", "fashion_mnist", "cifar10", "fake", "image_folder")
_CLASSES = {"digits": 10, "mnist": 10, "fashion_mnist": 10, "cifar10": 10, "playground": 2, "logic": 2}
_SCHEDULE_DEFAULTS: dict[str, dict[str, Any]] = {
    "constant": {},
    "step": {"step_size": 10, "gamma": 0.1},
    "cosine": {"min_lr": 0.0},
    "warmup": {"warmup_epochs": 1.0},
    "warmup_cosine": {"warmup_epochs": 1.0, "min_lr": 0.0},
    "one_cycle": {"pct_start": 0.3, "div_factor": 25.0, "final_div_factor": 1e4, "cycle_momentum": True},
}


def write_script(target: ExportTarget, path: str | Path) -> list[Path]:
    """Write `path` (a .py file, or a folder for train.py) and model.py beside it."""
    path = Path(path)
    if path.is_dir() or path.suffix != ".py":
        path.mkdir(parents=True, exist_ok=True)
        path = path / "train.py"
    if path.name == "model.py":
        raise ExportError("the training script needs another name than model.py, which holds the network")
    text = train_script(target)  # checks the recipe before anything is written
    model = write_python(target, path.with_name("model.py"))
    path.write_text(text, encoding="utf-8")
    return [path, model]


def train_script(target: ExportTarget, model_module: str = "model") -> str:
    """The text of train.py; raises ExportError saying what the recipe asks that it cannot do."""
    return _Script(target, model_module).source()


class _Script:
    def __init__(self, target: ExportTarget, model_module: str) -> None:
        self.target = target
        self.model_module = model_module
        recipe = target.doc.training
        if not recipe:
            raise ExportError("the document has no training recipe (its 'training' section is empty)")
        self.recipe = recipe
        self.task = recipe.get("task")
        if self.task not in TASKS:
            raise ExportError(
                f"not supported by the training-script exporter yet: task {self.task!r} "
                f"(supported: {', '.join(TASKS)})"
            )
        dataset = dict(recipe.get("dataset") or {})
        self.dataset = dataset.pop("name", None)
        self.options = dataset
        if self.dataset not in TASKS[self.task]:
            raise ExportError(
                f"not supported by the training-script exporter yet: dataset {self.dataset!r} for {self.task} "
                f"(supported: {', '.join(TASKS[self.task])})"
            )
        self.loss = dict(recipe.get("loss") or {})
        self.loss_name = self.loss.get("name") or LOSSES[self.task][0]
        if self.loss_name not in LOSSES[self.task]:
            raise ExportError(
                f"not supported by the training-script exporter yet: loss {self.loss_name!r} for {self.task} "
                f"(supported: {', '.join(LOSSES[self.task])})"
            )
        self.optimizer = {"name": "adam", "lr": 0.001, **(recipe.get("optimizer") or {})}
        self.schedule = dict(recipe.get("schedule") or {"name": "constant"})
        name = self.schedule.get("name", "constant")
        if name not in _SCHEDULE_DEFAULTS:
            raise ExportError(f"unknown schedule {name!r} (known: {', '.join(_SCHEDULE_DEFAULTS)})")
        self.schedule = {**_SCHEDULE_DEFAULTS[name], **self.schedule, "name": name}
        self._check_network()

    def _check_network(self) -> None:
        analysis = self.target.analysis
        flat = analysis.flat
        if len(flat.inputs) != 1 or len(flat.outputs) != 1:
            raise ExportError(
                f"the training script trains a network with one Input and one Output; '{self.target.name}' "
                f"has {len(flat.inputs)} and {len(flat.outputs)}"
            )
        self.input_shape = analysis.nodes[flat.inputs[0]].outputs[0].shape
        self.output_shape = analysis.nodes[flat.outputs[0]].outputs[0].shape
        where = f"'{self.target.name}' takes {_shape(self.input_shape)}"
        if self.dataset in _IMAGE_SETS and len(self.input_shape) != 3:
            raise ExportError(f"{self.dataset} holds images (C, H, W), but {where}")
        if self.dataset in ("playground", "logic") and self.input_shape != (2,):
            raise ExportError(f"{self.dataset} holds 2-D points (2,), but {where}")
        if self.task == "classification":
            classes = self.options.get("classes", 10) if self.dataset == "fake" else _CLASSES.get(self.dataset)
            if len(self.output_shape) != 1:
                raise ExportError(f"a classifier returns one logit per class (classes,), '{self.target.name}' "
                                  f"returns {_shape(self.output_shape)}")
            if classes is not None and self.output_shape[0] != classes:
                raise ExportError(f"{self.dataset} has {classes} classes, but '{self.target.name}' returns "
                                  f"{self.output_shape[0]} logits")
        if self.dataset == "playground":
            kind = self.options.get("kind", "circle")
            regression = kind in REGRESSION_KINDS
            if regression != (self.task == "regression"):
                raise ExportError(f"playground '{kind}' is a {'regression' if regression else 'classification'} "
                                  f"set, the recipe's task is {self.task}")

    # -- the file ------------------------------------------------------------------------------
    def source(self) -> str:
        parts = [self._header() + "\n" + self._constants(), self._data(), self._loss(), self._optimizer(),
                 self._schedule(), _RUNTIME, self._main(), _FOOTER]
        return "\n\n".join(part.strip() + "\n" for part in parts)

    def _header(self) -> str:
        title = self.target.doc.title
        imports = ["import argparse", "import math", "import os", "import time"]
        if self.dataset == "csv":
            imports.insert(1, "import csv")
        third = [
            "import torch", "import torch.distributed as dist", "import torch.nn as nn",
            "import torch.nn.functional as F", "from safetensors.torch import save_file",
            "from torch.nn.parallel import DistributedDataParallel",
            "from torch.utils.data import DataLoader, Dataset, Subset"
            + (", TensorDataset" if self.dataset != "image_folder" else ""),
            "from torch.utils.data.distributed import DistributedSampler",
            f"from {self.model_module} import {self.target.class_name}",
        ]
        if self.dataset == "playground":
            third.append("import numpy as np")
        # isort's order, so the file passes ruff as it is: `import` lines, then `from` lines.
        third.sort(key=lambda line: (line.startswith("from"), line.split()[1]))
        doc = (
            f'"""Train {docstring_text(title)} ({self.task} on {self.dataset}); exported from Netsmith.\n\n'
            "    python train.py                        one process: CUDA when available, else the CPU\n"
            "    torchrun --standalone --nproc_per_node 4 train.py   data-parallel: a process per GPU (gloo on CPU)\n\n"
            "The document's recipe is written below; --epochs, --batch-size, --lr and --device override it.\n"
            "The weights are saved as safetensors under the names Netsmith gives them.\n"
            '"""\n'
        )
        return doc + "\n" + "\n".join(imports) + "\n\n" + "\n".join(third) + "\n"

    def _constants(self) -> str:
        r = self.recipe
        precision = r.get("precision", "fp32")
        early = r.get("early_stopping")
        lines = [
            "# The recipe of the document.",
            f"EPOCHS = {int(r.get('epochs', 10))}",
            f"BATCH_SIZE = {int(r.get('batch_size', 64))}  # per process",
            f"LEARNING_RATE = {_num(self.optimizer['lr'])}",
            f"VALIDATION_SPLIT = {_num(r.get('validation_split', 0.2))}",
            f"SEED = {int(r.get('seed', 0))}",
            f'DEVICE = "{r.get("device", "auto")}"',
            f'PRECISION = "{precision}"  # fp32, bf16 or fp16 (mixed precision)',
            f"GRAD_CLIP = {_num(r.get('grad_clip'))}  # max gradient norm, or None",
            f"PATIENCE = {int(early.get('patience', 5)) if early else None}"
            "  # epochs without a better validation loss before stopping, or None",
            f"INPUT_SHAPE = {tuple(self.input_shape)!r}  # what the network takes, without the batch",
        ]
        return "\n".join(lines) + "\n"

    # -- data ------------------------------------------------------------------------------------
    def _data(self) -> str:
        o = self.options
        name = self.dataset
        if name == "digits":
            body = '''
                """scikit-learn's 1,797 handwritten 8x8 digits (no download), resized to the network's input."""
                from sklearn.datasets import load_digits

                digits = load_digits()
                images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
                labels = torch.tensor(digits.target, dtype=torch.int64)
                return split(TensorDataset(fit_images(images), labels), VALIDATION_SPLIT, seed)
            '''
        elif name in ("mnist", "fashion_mnist", "cifar10"):
            cls = {"mnist": "MNIST", "fashion_mnist": "FashionMNIST", "cifar10": "CIFAR10"}[name]
            root = o.get("root")
            root_expr = repr(str(root)) if root else _DEFAULT_ROOT
            body = f'''
                """torchvision's {cls}: downloaded once into ROOT; its official test set validates."""
                from torchvision.datasets import {cls}

                sets = []
                for train in (True, False):
                    data = {cls}(ROOT, train=train, download=True)
                    images = torch.as_tensor(data.data)
                    images = images.unsqueeze(1) if images.dim() == 3 else images.permute(0, 3, 1, 2)
                    labels = torch.as_tensor(data.targets, dtype=torch.int64)
                    sets.append(TensorDataset(fit_images(images.float() / 255.0), labels))
                return sets[0], sets[1]
            '''
            root_line = f"ROOT = {root_expr}" if not root else f"ROOT = (\n    {root_expr}\n)"
            return _data_function(body) + f"\n\n{root_line}\n\n\n" + _FIT_IMAGES
        elif name == "fake":
            shape = tuple(o.get("shape", (3, 32, 32)))
            body = f'''
                """torchvision's FakeData: random images with random labels, for smoke runs."""
                from torchvision.datasets import FakeData
                from torchvision.transforms.functional import pil_to_tensor

                fake = FakeData({int(o.get("count", 512))}, {shape!r}, {int(o.get("classes", 10))}, random_offset=seed)
                images = torch.stack([pil_to_tensor(image) for image, _ in fake]).float() / 255.0
                labels = torch.tensor([int(label) for _, label in fake], dtype=torch.int64)
                return split(TensorDataset(fit_images(images), labels), VALIDATION_SPLIT, seed)
            '''
        elif name == "image_folder":
            body = f'''
                """A folder with one sub-folder of images per class, read lazily."""
                from torchvision.datasets import ImageFolder
                from torchvision.transforms.functional import pil_to_tensor

                channels, height, width = INPUT_SHAPE

                def to_tensor(image):
                    image = image.convert("RGB" if channels == 3 else "L")
                    return fit_images(pil_to_tensor(image).float().unsqueeze(0) / 255.0)[0]

                folder = ImageFolder(
                    {str(o.get("path", "images"))!r},
                    transform=to_tensor,
                    target_transform=torch.tensor,
                )
                return split(folder, VALIDATION_SPLIT, seed)
            '''
        elif name == "playground":
            return self._playground()
        elif name == "logic":
            table = {"and": (0, 0, 0, 1), "or": (0, 1, 1, 1), "xor": (0, 1, 1, 0), "nand": (1, 1, 1, 0),
                     "nor": (1, 0, 0, 0)}
            function = o.get("function", "and")
            if function not in table:
                raise ExportError(f"logic: unknown function {function!r} (known: {', '.join(table)})")
            body = f'''
                """The truth table of {function}; it is also the validation set (there is nothing to hold out)."""
                points = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
                table = TensorDataset(points, torch.tensor({list(table[function])!r}))
                return table, table
            '''
            return _data_function(body)
        else:  # csv
            target = o.get("target")
            if not target:
                raise ExportError("csv: the recipe names no target column (dataset.target)")
            regression = self.task == "regression"
            convert = ("targets = torch.tensor([[float(v)] for v in values], dtype=torch.float32)" if regression
                       else "classes = sorted(set(values))\n" + " " * 16
                       + "targets = torch.tensor([classes.index(v) for v in values], dtype=torch.int64)")
            body = f'''
                """Rows of a CSV file: the column {target!r} is the target, the other columns the features."""
                path = (
                    {str(o.get("path", "data.csv"))!r}
                )
                with open(path, newline="") as f:
                    rows = list(csv.DictReader(f))
                columns = [c for c in rows[0] if c != {target!r}]
                if len(columns) != INPUT_SHAPE[0]:
                    raise SystemExit(f"{{len(columns)}} feature columns, but the network takes {{INPUT_SHAPE[0]}}")
                features = torch.tensor([[float(row[c]) for c in columns] for row in rows], dtype=torch.float32)
                values = [row[{target!r}] for row in rows]
                {convert}
                return split(TensorDataset(features, targets), VALIDATION_SPLIT, seed)
            '''
            return _data_function(body) + "\n\n" + _SPLIT
        return _data_function(body) + "\n\n" + _SPLIT + "\n\n" + _FIT_IMAGES

    def _playground(self) -> str:
        o = self.options
        kind = o.get("kind", "circle")
        if kind not in GENERATORS:
            raise ExportError(f"playground: unknown kind {kind!r} (known: {', '.join(GENERATORS)})")
        regression = kind in REGRESSION_KINDS
        points = o.get("points") or (1200 if regression else 500)
        noise = float(o.get("noise", 0.0))
        ratio = float(o.get("train_ratio", 0.5))
        target = ("torch.from_numpy(labels.astype(np.float32)).unsqueeze(1)" if regression
                  else "torch.from_numpy(labels.astype(np.int64))")
        body = f'''
            """TensorFlow Playground's '{kind}' set: {points} points in [-6, 6]², noise {noise:g},
            the first {ratio:g} of them (in Playground's shuffled order) for training."""
            rng = np.random.default_rng(seed)
            points, labels = {kind}({points}, {noise!r}, rng)
            order = rng.permutation(len(points))
            x = torch.from_numpy(points[order].astype(np.float32))
            y = {target.replace("labels", "labels[order]")}
            n_train = math.floor(len(x) * {ratio!r})
            return TensorDataset(x[:n_train], y[:n_train]), TensorDataset(x[n_train:], y[n_train:])
        '''
        return _playground_generator(kind) + "\n\n" + _data_function(body)

    # -- loss, optimizer, schedule -----------------------------------------------------------------
    def _loss(self) -> str:
        name = self.loss_name
        if name == "mse":
            expr, doc = "F.mse_loss(outputs, targets)", "Mean squared error."
        elif name == "mae":
            expr, doc = "F.l1_loss(outputs, targets)", "Mean absolute error."
        else:
            weights = self.loss.get("class_weights")
            smoothing = float(self.loss.get("label_smoothing", 0.0))
            args = []
            if weights:
                args.append(f"weight=torch.tensor({list(weights)!r}, device=outputs.device)")
            if smoothing and name != "nll":
                args.append(f"label_smoothing={smoothing!r}")
            extra = "".join(", " + a for a in args)
            if name == "nll":
                expr, doc = f"F.nll_loss(outputs, targets{extra})", "Negative log-likelihood of log-probabilities."
            elif name == "cross_entropy":
                expr, doc = f"F.cross_entropy(outputs, targets{extra})", "Cross-entropy of the logits."
            else:
                gamma = float(self.loss.get("gamma", 2.0))
                return (
                    "def loss_function(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:\n"
                    f'    """Focal loss (Lin et al. 2017), gamma {gamma:g}: cross-entropy that down-weights easy '
                    'examples."""\n'
                    f'    ce = F.cross_entropy(outputs, targets, reduction="none"{extra})\n'
                    f"    return ((1.0 - torch.exp(-ce)) ** {gamma!r} * ce).mean()\n"
                )
        return (
            "def loss_function(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:\n"
            f'    """{doc}"""\n'
            f"    return {expr}\n"
        )

    def _optimizer(self) -> str:
        o = self.optimizer
        name = o["name"]
        decay = float(o.get("weight_decay", 0.0))
        if name == "sgd":
            call = f"torch.optim.SGD(parameters, lr=lr, momentum={_num(float(o.get('momentum', 0.0)))}"
            if o.get("nesterov"):
                call += ", nesterov=True"
        elif name in ("adam", "adamw"):
            betas = tuple(float(b) for b in o.get("betas", (0.9, 0.999)))
            cls = "Adam" if name == "adam" else "AdamW"
            call = f"torch.optim.{cls}(parameters, lr=lr, betas={betas!r}, eps={_num(float(o.get('eps', 1e-8)))}"
        elif name == "rmsprop":
            call = (f"torch.optim.RMSprop(parameters, lr=lr, alpha={_num(float(o.get('alpha', 0.99)))}, "
                    f"momentum={_num(float(o.get('momentum', 0.0)))}")
        else:
            raise ExportError(f"unknown optimizer {name!r} (known: sgd, adam, adamw, rmsprop)")
        if decay or name == "adamw":
            call += f", weight_decay={_num(decay)}"
        return (
            "def make_optimizer(parameters, lr: float) -> torch.optim.Optimizer:\n"
            f"    return {call})\n"
        )

    def _schedule(self) -> str:
        s = self.schedule
        name = s["name"]
        head = (
            "def make_schedule(optimizer: torch.optim.Optimizer, steps_per_epoch: int, epochs: int):\n"
            f'    """The learning rate schedule \'{name}\', stepped after every batch."""\n'
        )
        total = "    total = steps_per_epoch * epochs\n"
        warm = f"    warm = max(1, round({_num(s.get('warmup_epochs'))} * steps_per_epoch))\n"
        if name == "constant":
            return (
                "def make_schedule(optimizer: torch.optim.Optimizer, steps_per_epoch: int, epochs: int):\n"
                '    """A constant learning rate: no schedule."""\n'
                "    return None\n"
            )
        if name == "step":
            body = ("    return torch.optim.lr_scheduler.StepLR(\n"
                    f"        optimizer, step_size={int(s['step_size'])} * steps_per_epoch, gamma={_num(s['gamma'])}\n"
                    "    )\n")
        elif name == "cosine":
            body = total + ("    return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total, "
                            f"eta_min={_num(s['min_lr'])})\n")
        elif name == "warmup":
            body = warm + ("    return torch.optim.lr_scheduler.LambdaLR(optimizer, "
                           "lambda step: min(1.0, (step + 1) / warm))\n")
        elif name == "warmup_cosine":
            ratio = float(s["min_lr"]) / float(self.optimizer["lr"])
            body = total + warm + (
                f"    floor = {_num(min(ratio, 1.0))}  # min_lr / lr\n\n"
                "    def factor(step: int) -> float:\n"
                "        if step < warm:\n"
                "            return (step + 1) / warm\n"
                "        done = min(1.0, (step - warm) / max(1, total - warm - 1))\n"
                "        return floor + (1.0 - floor) * 0.5 * (1.0 + math.cos(math.pi * done))\n\n"
                "    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)\n")
        else:  # one_cycle
            adam_like = self.optimizer["name"] in ("adam", "adamw")
            cycle = bool(s["cycle_momentum"]) and (adam_like or float(self.optimizer.get("momentum", 0.0)) > 0)
            body = ("    return torch.optim.lr_scheduler.OneCycleLR(\n"
                    f"        optimizer, max_lr=LEARNING_RATE, total_steps=steps_per_epoch * epochs,\n"
                    f"        pct_start={_num(s['pct_start'])}, div_factor={_num(s['div_factor'])}, "
                    f"final_div_factor={_num(s['final_div_factor'])}, cycle_momentum={cycle},\n"
                    "    )\n")
        return head + body

    def _main(self) -> str:
        classify = self.task == "classification"
        text = _MAIN.replace("{metric_line}", _METRIC_LINE if classify else "")
        return text.replace("Model()", f"{self.target.class_name}()")


def _num(value: Any) -> str:
    """A number (or None) as Python source."""
    if value is not None and not isinstance(value, (int, float)):
        raise ExportError(f"expected a number in the recipe, got {value!r}")
    return repr(value)


def _shape(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _playground_generator(kind: str) -> str:
    """The training engine's own generator of a Playground set, renamed `kind`."""
    generator = GENERATORS[kind]
    return inspect.getsource(generator).replace(f"def {generator.__name__}(", f"def {kind}(", 1)


def _data_function(body: str) -> str:
    text = textwrap.indent(textwrap.dedent(body).strip(), "    ")
    return "def load_data(seed: int) -> tuple[Dataset, Dataset | None]:\n" + text + "\n"


_DEFAULT_ROOT = 'os.environ.get("NETSMITH_DATA") or os.path.expanduser("~/.cache/netsmith/datasets")'

_SPLIT = '''
def split(data: Dataset, fraction: float, seed: int) -> tuple[Dataset, Dataset | None]:
    """A seeded random split: the last `fraction` of a permutation validates."""
    n_val = round(len(data) * fraction)
    if n_val == 0:
        return data, None
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed)).tolist()
    return Subset(data, order[: len(data) - n_val]), Subset(data, order[len(data) - n_val :])
'''.strip() + "\n"

_FIT_IMAGES = '''
def fit_images(images: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) in [0, 1] to the network's INPUT_SHAPE: bilinear resize, grey <-> RGB."""
    channels, height, width = INPUT_SHAPE
    if images.shape[-2:] != (height, width):
        shrink = height < images.shape[-2]
        images = F.interpolate(images, size=(height, width), mode="bilinear", align_corners=False, antialias=shrink)
        images = images.clamp(0.0, 1.0)
    if images.shape[1] == 1 and channels > 1:
        images = images.expand(-1, channels, -1, -1).contiguous()
    elif images.shape[1] == 3 and channels == 1:
        luma = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)  # ITU-R 601
        images = (images * luma).sum(1, keepdim=True)
    return images
'''.strip() + "\n"

_RUNTIME = '''
def pick_device(name: str, local_rank: int) -> torch.device:
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device("cuda", local_rank) if name == "cuda" else torch.device(name)


def evaluate(model: nn.Module, loader: DataLoader, device: torch.device) -> tuple[float, float]:
    """Mean loss and accuracy over the validation set, summed over every process."""
    model.eval()
    totals = torch.zeros(3, dtype=torch.float64, device=device)  # loss sum, correct, count
    with torch.no_grad():
        for inputs, targets in loader:
            inputs, targets = inputs.to(device), targets.to(device)
            outputs = model(inputs)
            totals[0] += loss_function(outputs, targets).item() * len(targets)
            if outputs.dim() == 2 and not targets.is_floating_point():
                totals[1] += (outputs.argmax(1) == targets).sum()
            totals[2] += len(targets)
    if dist.is_initialized():
        dist.all_reduce(totals)
    model.train()
    count = max(1.0, totals[2].item())
    return totals[0].item() / count, totals[1].item() / count
'''

_METRIC_LINE = '            line += f"  val accuracy {val_accuracy:.1%}"\n'

_MAIN = '''
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="per process")
    parser.add_argument("--lr", type=float, default=LEARNING_RATE)
    parser.add_argument("--device", default=DEVICE, help="auto, cpu, cuda or mps")
    parser.add_argument("--out", default="model.safetensors", help="where to save the weights")
    args = parser.parse_args()

    distributed = "LOCAL_RANK" in os.environ  # torchrun sets it
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    device = pick_device(args.device, local_rank)
    if distributed:
        if device.type == "cuda":
            torch.cuda.set_device(device)
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    rank = dist.get_rank() if distributed else 0
    world = dist.get_world_size() if distributed else 1
    torch.manual_seed(SEED)  # the same initial weights in every process

    if distributed and rank != 0:
        dist.barrier()  # let the first process download the data alone
    train_set, val_set = load_data(SEED)
    if distributed and rank == 0:
        dist.barrier()
    sampler = DistributedSampler(train_set, shuffle=True, seed=SEED) if distributed else None
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=sampler is None, sampler=sampler)
    val_loader = None
    if val_set is not None:
        # Each process validates every world-th sample, so the totals count each sample once.
        shard = Subset(val_set, range(rank, len(val_set), world))
        val_loader = DataLoader(shard, batch_size=args.batch_size)

    model = Model().to(device)
    net = model
    if distributed:
        net = DistributedDataParallel(model, device_ids=[local_rank] if device.type == "cuda" else None)
    optimizer = make_optimizer(net.parameters(), args.lr)
    schedule = make_schedule(optimizer, len(train_loader), args.epochs)
    amp_dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(PRECISION)
    scaler = torch.amp.GradScaler(device.type, enabled=PRECISION == "fp16")
    if rank == 0:
        size = sum(p.numel() for p in model.parameters())
        print(f"training {type(model).__name__} ({size:,} parameters) on {device}"
              + (f" in {world} processes" if distributed else ""), flush=True)

    best, waited = math.inf, 0
    for epoch in range(1, args.epochs + 1):
        start = time.time()
        if sampler is not None:
            sampler.set_epoch(epoch)
        net.train()
        totals = torch.zeros(2, dtype=torch.float64, device=device)  # loss sum, count
        for inputs, targets in train_loader:
            inputs, targets = inputs.to(device), targets.to(device)
            with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
                loss = loss_function(net(inputs), targets)
            if not torch.isfinite(loss):
                raise SystemExit(f"epoch {epoch}: the loss is {loss.item()}; lower the learning rate")
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            if GRAD_CLIP is not None:
                scaler.unscale_(optimizer)
                nn.utils.clip_grad_norm_(net.parameters(), GRAD_CLIP)
            scaler.step(optimizer)
            scaler.update()
            if schedule is not None:
                schedule.step()
            totals += torch.tensor([loss.item() * len(targets), len(targets)], dtype=torch.float64, device=device)
        if distributed:
            dist.all_reduce(totals)
        line = f"epoch {epoch}/{args.epochs}  train loss {(totals[0] / totals[1]).item():.4f}"
        val_loss = None
        if val_loader is not None:
            # The bare model: every process holds the same weights, and DDP's forward would
            # wait for the others, which may have fewer validation batches.
            val_loss, val_accuracy = evaluate(model, val_loader, device)
            line += f"  val loss {val_loss:.4f}"
{metric_line}        if rank == 0:
            print(f"{line}  ({time.time() - start:.1f} s)", flush=True)
        if PATIENCE is not None and val_loss is not None:
            best, waited = (val_loss, 0) if val_loss < best else (best, waited + 1)
            if waited >= PATIENCE:
                if rank == 0:
                    print(f"stopping early: no better validation loss for {PATIENCE} epochs", flush=True)
                break

    if rank == 0:
        state = {name: t.detach().cpu().contiguous() for name, t in model.state_dict().items()}
        save_file(state, args.out)
        print(f"saved the weights to {args.out}", flush=True)
    if distributed:
        dist.destroy_process_group()
'''

_FOOTER = '''
if __name__ == "__main__":
    main()
'''
