"""Tasks by name: one small class per kind of training, all with the interface of `Task`."""

from __future__ import annotations

from engine.training.tasks.base import InputInfo, Runtime, Task, TrainingError
from engine.training.tasks.classification import Classification, NodeClassification
from engine.training.tasks.gan import GAN
from engine.training.tasks.generative import VAE, Reconstruction
from engine.training.tasks.images import Segmentation, SuperResolution
from engine.training.tasks.perceptron import Perceptron
from engine.training.tasks.regression import Regression
from engine.training.tasks.sequence import Sequence

__all__ = ["TASK_CLASSES", "InputInfo", "Runtime", "Task", "TrainingError"]

TASK_CLASSES: dict[str, type[Task]] = {
    cls.name: cls
    for cls in (Classification, Regression, Reconstruction, VAE, GAN, SuperResolution, Segmentation, Sequence,
                NodeClassification, Perceptron)
}
