"""Looking inside the network: the views of one window as tabs, fed by snapshots (from a run,
or introspection of the current weights) and by each epoch's confusion matrix."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from app.viz.activations import ActivationsView
from app.viz.boundary import BoundaryView
from app.viz.confusion import ConfusionView
from app.viz.filters import FiltersView
from app.viz.samples import SamplesView
from app.viz.task_views import TASK_TITLES, TaskView
from engine.training import EpochEnd, Snapshot

__all__ = ["InsideView"]


class InsideView(QTabWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.activations = ActivationsView()
        self.filters = FiltersView()
        self.samples = SamplesView()
        self.confusion = ConfusionView()
        self.task_view = TaskView()
        self.boundary = BoundaryView()
        for widget, title in ((self.activations, "Activations"), (self.filters, "Filters"),
                              (self.samples, "Samples"), (self.confusion, "Confusion"),
                              (self.task_view, "Generated"), (self.boundary, "Boundary")):
            self.addTab(widget, title)
        self.task = ""
        self.set_task("", has_conv=False, two_d=False)

    def set_task(self, task: str, has_conv: bool, two_d: bool, image_input: bool = False) -> None:
        """Show the tabs that fit: samples and confusion for classes, the task's own pictures (for
        regression, only of images), filters when there are convolutions, a boundary for 2-D inputs."""
        if task != self.task:
            self.task_view.set_task(task)
            self.confusion.set_matrix(None)
        self.task = task
        classes = task in ("classification", "node_classification", "perceptron")
        visible = {
            self.filters: has_conv,
            self.samples: task == "classification" and not two_d,
            self.confusion: classes,
            self.task_view: task in TASK_TITLES and (task != "regression" or image_input),
            self.boundary: two_d,
        }
        for widget, shown in visible.items():
            self.setTabVisible(self.indexOf(widget), shown)
        self.setTabText(self.indexOf(self.task_view), TASK_TITLES.get(task, "Generated"))

    def set_snapshot(self, snap: Snapshot) -> None:
        data = snap.data
        self.activations.set_data(data)
        self.filters.set_data(data)
        self.samples.set_data(data)
        self.task_view.set_snapshot(snap)
        self.boundary.set_data(data)

    def set_epoch(self, epoch: EpochEnd) -> None:
        if epoch.confusion is not None:
            self.confusion.set_matrix(epoch.confusion, epoch.epoch)

    def apply_theme(self) -> None:
        self.boundary.apply_theme()
        for widget in (self.activations, self.filters, self.samples, self.confusion, self.task_view):
            widget.update()
