"""The main window: palette, canvas, inspector, summary and problems, training, menus, files and safety.

One window edits one document through an `EditSession`. Opening another file
replaces it (after asking about unsaved changes); File > New Window opens a second
window, and copy/paste works between them through the system clipboard.

Training (Train menu, F5) runs on a worker thread under a `TrainingController`: the
Training panel on the right, the curves as a tab at the bottom, and the views that
look inside the network (activations, filters, samples...) beside them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QCursor, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import export_actions
from app.autosave import Autosaver, pending_recoveries
from app.editor import clipboard, edits, grouping
from app.editor.gallery import TemplateGallery
from app.editor.geometry import NODE_HEIGHT, NODE_WIDTH
from app.editor.inspector import Inspector
from app.editor.layer_docs import LayerDocs
from app.editor.palette import Palette
from app.editor.problems import ProblemsList
from app.editor.scene import GraphScene
from app.editor.session import BLOCK_PREFIX, EditSession, TrainedWeights, block_key
from app.editor.summary_panel import SummaryPanel
from app.editor.view import GraphView
from app.settings import Settings
from app.theme import THEMES, apply_theme, current_theme
from app.training.controller import TrainingController, pause_label
from app.training.panel import TrainingPanel
from app.training.runs import RunRecord
from app.viz.curves import CurvesView
from app.viz.inside import InsideView
from engine import __version__
from engine.analysis import describe_count
from engine.document import Document, DocumentError
from engine.graph import Graph
from engine.templates import load_template
from engine.training import Failed

__all__ = ["MainWindow", "initial_geometry", "new_document"]

FILE_FILTER = "Netsmith documents (*.json);;All files (*)"
_windows: list[MainWindow] = []  # File > New Window keeps its windows alive here


STARTER_HINT = "New network: input x → output y. Add layers between: drag from Layers, or select x and double-click one"


def new_document() -> Document:
    """File > New: an image input wired to an output, ready for layers in between (the navigation
    bar says so while the network is just that)."""
    doc = Document()
    graph = doc.add_network()
    graph.add_node("Input", {"shape": [1, 28, 28]}, id="x", ui={"x": 0, "y": 0})
    graph.add_node("Output", id="y", ui={"x": 0, "y": 200})
    graph.connect(("x", "out"), ("y", "x"))
    return doc


class MainWindow(QMainWindow):
    def __init__(self, doc: Document | None = None, settings: Settings | None = None,
                 check_recovery: bool = False) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.setWindowTitle("Netsmith")
        screen = self.screen().availableGeometry()
        # A small screen still gets the whole window on it.
        self.setMinimumSize(QSize(min(900, screen.width()), min(600, screen.height())))
        self.session: EditSession | None = None
        self.controller: TrainingController | None = None
        self.training_panel: TrainingPanel | None = None
        self.scene: GraphScene | None = None
        self._analyse_when_shown = False
        self._sized_docks = False
        self._playgrounds: list[QMainWindow] = []  # Playground windows opened from here
        self._saved_weights: TrainedWeights | None = None  # the trained weights last written to a file
        self.view = GraphView()
        self.view.op_dropped.connect(self._drop_op)
        self.view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f}%"))
        self.view.context_menu = self._context_menu
        self.autosaver = Autosaver(self.settings.recovery_dir, self.settings.autosave_seconds, self)
        self._build_central()
        self._build_docks()
        self._build_status()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        geometry, state = self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:  # first run: most of the screen, so the canvas has room (Qt's default is 2/3 of it)
            self.setGeometry(initial_geometry(screen))
        if state is not None:
            self.restoreState(state)
        self.set_document(doc if doc is not None else new_document())
        if check_recovery:
            QTimer.singleShot(0, self.offer_recovery)

    # -- layout -----------------------------------------------------------------------------------
    def _build_central(self) -> None:
        self.navbar = QFrame()
        self.navbar.setObjectName("navbar")
        bar = QHBoxLayout(self.navbar)
        bar.setContentsMargins(10, 5, 10, 5)
        bar.setSpacing(8)
        self.back_button = QPushButton("◂ Back to network")
        self.back_button.clicked.connect(self.back_to_network)
        self.graph_combo = QComboBox()
        self.graph_combo.setMinimumContentsLength(18)
        self.graph_combo.activated.connect(lambda i: self.show_graph(self.graph_combo.itemData(i)))
        self.where_label = QLabel()
        self.where_label.setProperty("role", "muted")
        self.where_label.setWordWrap(True)  # the hint for a new network takes two lines beside narrow docks
        bar.addWidget(self.back_button)
        bar.addWidget(QLabel("Showing"))
        bar.addWidget(self.graph_combo)
        bar.addWidget(self.where_label, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navbar)
        layout.addWidget(self.view, 1)
        self.setCentralWidget(central)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.palette = Palette()
        self.palette.op_activated.connect(self.add_op)
        self.palette_dock = self._dock("Layers", "layers", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector_holder = QWidget()
        QVBoxLayout(self.inspector_holder).setContentsMargins(0, 0, 0, 0)
        self.inspector_dock = self._dock("Inspector", "inspector", self.inspector_holder,
                                         Qt.DockWidgetArea.RightDockWidgetArea)
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.setDocumentMode(True)
        self.bottom_dock = self._dock("Summary", "summary", self.bottom_tabs, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.bottom_dock.setTitleBarWidget(QWidget())  # the tabs are its title
        self.training_holder = QWidget()
        QVBoxLayout(self.training_holder).setContentsMargins(0, 0, 0, 0)
        self.training_dock = self._dock("Training", "training", self.training_holder,
                                        Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.inspector_dock, self.training_dock)
        self.inspector_dock.raise_()
        self.curves = CurvesView()
        self.inside = InsideView()
        self.inside_dock = self._dock("Inside the network", "inside", self.inside,
                                      Qt.DockWidgetArea.BottomDockWidgetArea)
        self.inside_dock.visibilityChanged.connect(lambda shown: shown and self._watch_selection())
        self.splitDockWidget(self.bottom_dock, self.inside_dock, Qt.Orientation.Horizontal)
        self.palette_dock.setMinimumWidth(210)
        self.inspector_dock.setMinimumWidth(300)
        self.resizeDocks([self.palette_dock, self.inspector_dock], [230, 320], Qt.Orientation.Horizontal)
        self.resizeDocks([self.bottom_dock], [170], Qt.Orientation.Vertical)
        self.inspector: Inspector | None = None
        self.summary: SummaryPanel | None = None
        self.problems: ProblemsList | None = None

    def _build_status(self) -> None:
        status = self.statusBar()
        self.stats_label = QLabel()
        self.zoom_label = QLabel("100%")
        self.train_label = QLabel()
        status.addPermanentWidget(self.train_label)
        status.addPermanentWidget(self.stats_label)
        status.addPermanentWidget(self.zoom_label)

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcuts(_key_sequences(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        a = self._action
        self.act_new = a("&New", self.new_file, K.New)
        self.act_new_window = a("New &Window", self.new_window, "Ctrl+Shift+N")
        self.act_open = a("&Open…", self.open_file, K.Open)
        self.act_template = a("Open &Template…", self.open_template, "Ctrl+Shift+O")
        self.act_save = a("&Save", self.save, K.Save)
        self.act_save_as = a("Save &As…", self.save_as, K.SaveAs)
        self.act_quit = a("&Quit", self.close, [K.Quit, "Ctrl+Q"])  # K.Quit is empty on some platforms
        self.act_undo = a("&Undo", lambda: self.session.undo(), K.Undo)
        self.act_redo = a("&Redo", lambda: self.session.redo(), [K.Redo, "Ctrl+Shift+Z", "Ctrl+Y"])
        self.act_cut = a("Cu&t", self.cut, K.Cut)
        self.act_copy = a("&Copy", self.copy, K.Copy)
        self.act_paste = a("&Paste", self.paste, K.Paste)
        self.act_duplicate = a("&Duplicate", self.duplicate, "Ctrl+D")
        self.act_delete = a("De&lete", self.delete, [QKeySequence(Qt.Key.Key_Delete),
                                                       QKeySequence(Qt.Key.Key_Backspace)])
        self.act_select_all = a("Select &All", self.select_all, K.SelectAll)
        # Ctrl+A selects nodes only while the canvas has the keyboard: typed in any other widget (a field
        # of the recipe, a list) it is that widget's, never a selection of the whole network.
        self.removeAction(self.act_select_all)
        self.act_select_all.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.view.addAction(self.act_select_all)
        self.act_rename = a("Re&name…", self.rename, "F2")
        self.act_group = a("&Group into Block…", self.group, "Ctrl+G")
        self.act_ungroup = a("U&ngroup Block", self.ungroup, "Ctrl+Shift+G")
        self.act_expand = a("E&xpand/Collapse Block", self.toggle_expanded, "Ctrl+E")
        self.act_open_block = a("&Open Block", self.open_selected_block, "Ctrl+Return")
        self.act_fit = a("&Fit to View", lambda: self.view.fit(), ["Ctrl+0", "F"])
        self.act_actual = a("&Actual Size", lambda: self.view.reset_zoom(), "Ctrl+1")
        self.act_zoom_in = a("Zoom &In", lambda: self.view.zoom_in(), [K.ZoomIn, "Ctrl+="])
        self.act_zoom_out = a("Zoom &Out", lambda: self.view.zoom_out(), K.ZoomOut)
        self.act_layout_down = a("Auto-layout Top to &Bottom", lambda: self.auto_layout("down"), "Ctrl+L")
        self.act_layout_right = a("Auto-layout Left to &Right", lambda: self.auto_layout("right"), "Ctrl+Shift+L")
        self.act_data_size = a("Shapes at the Recipe's Si&ze", self._toggle_data_size, None,
                               "Show the shapes of the images the recipe trains on, not the declared input's")
        self.act_data_size.setCheckable(True)
        self.act_data_size.setChecked(True)
        self.act_snap = a("&Snap to Grid", self._toggle_snap)
        self.act_snap.setCheckable(True)
        self.act_snap.setChecked(self.settings.snap_to_grid)
        self.theme_group = QActionGroup(self)
        self.theme_actions = {}
        for name in THEMES:
            action = a(f"{name.title()} Theme", lambda n=name: self.set_theme(n))
            action.setCheckable(True)
            action.setChecked(name == self.settings.theme)
            self.theme_group.addAction(action)
            self.theme_actions[name] = action
        self.act_about = a("&About Netsmith", self.about)
        self.act_docs = a("&Layer Reference", self.layer_docs, K.HelpContents)
        self.export_actions = {
            fmt.key: a(fmt.label, lambda f=fmt: self.export(f)) for fmt in export_actions.FORMATS
        }
        self.act_import_weights = a("Import Weights…", self.import_weights)
        self.act_autosave = a("Autosave Interval…", self.choose_autosave_interval)
        self.act_train = a("&Train", self.train, "F5", "Train the network with its recipe")
        self.act_pause = a("&Pause / Resume", self.pause_or_resume, "F6")
        self.act_stop = a("&Stop", lambda: self.controller.stop(), "Shift+F5")
        self.act_find_lr = a("Find &Learning Rate", lambda: self._find_lr())
        self.act_save_weights = a("Save Trained &Weights…", self.save_trained_weights)
        self.act_playground = a("&Playground", lambda: self.open_playground(), "Ctrl+Shift+P",
                                "TensorFlow Playground's experience on a real PyTorch network")
        self.act_to_playground = a("Open in Play&ground", lambda: self.open_playground(self.session.doc),
                                   None, "Play with this network in the Playground (a Playground-shaped MLP)")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (self.act_new, self.act_new_window, self.act_open, self.act_template):
            file_menu.addAction(action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        file_menu.addAction(self.act_save)
        file_menu.addAction(self.act_save_as)
        file_menu.addSeparator()
        export_menu = file_menu.addMenu("&Export")
        for action in self.export_actions.values():
            export_menu.addAction(action)
        file_menu.addAction(self.act_import_weights)
        file_menu.addAction(self.act_save_weights)
        file_menu.addSeparator()
        file_menu.addAction(self.act_autosave)
        file_menu.addAction(self.act_quit)

        edit_menu = bar.addMenu("&Edit")
        for action in (self.act_undo, self.act_redo, None, self.act_cut, self.act_copy, self.act_paste,
                       self.act_duplicate, self.act_delete, None, self.act_select_all, self.act_rename, None,
                       self.act_group, self.act_ungroup, self.act_expand, self.act_open_block):
            edit_menu.addSeparator() if action is None else edit_menu.addAction(action)

        view_menu = bar.addMenu("&View")
        for action in (self.act_fit, self.act_actual, self.act_zoom_in, self.act_zoom_out, None,
                       self.act_layout_down, self.act_layout_right, self.act_snap, self.act_data_size, None):
            view_menu.addSeparator() if action is None else view_menu.addAction(action)
        for action in self.theme_actions.values():
            view_menu.addAction(action)
        view_menu.addSeparator()
        panels = view_menu.addMenu("&Panels")
        for dock in (self.palette_dock, self.inspector_dock, self.training_dock, self.bottom_dock, self.inside_dock):
            panels.addAction(dock.toggleViewAction())

        train_menu = bar.addMenu("&Train")
        for action in (self.act_train, self.act_pause, self.act_stop, None, self.act_find_lr, self.act_save_weights,
                       None, self.act_playground, self.act_to_playground):
            train_menu.addSeparator() if action is None else train_menu.addAction(action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_docs)
        help_menu.addAction(self.act_about)

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Main")
        bar.setObjectName("main_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action, text in ((self.act_new, "New"), (self.act_open, "Open"), (self.act_template, "Templates"),
                             (self.act_save, "Save"), (None, ""), (self.act_undo, "Undo"), (self.act_redo, "Redo"),
                             (None, ""), (self.act_layout_down, "Auto-layout"), (self.act_fit, "Fit"),
                             (self.act_group, "Group"), (None, ""), (self.act_train, "▶ Train"),
                             (self.act_pause, pause_label("idle")), (self.act_stop, "■ Stop")):
            if action is None:
                bar.addSeparator()
                continue
            button_action = QAction(text, self)
            button_action.setToolTip(f"{action.text().replace('&', '')} ({action.shortcut().toString()})")
            button_action.triggered.connect(action.trigger)
            action.changed.connect(lambda b=button_action, s=action: b.setEnabled(s.isEnabled()))
            bar.addAction(button_action)
            if action is self.act_pause:
                self.pause_tool = button_action  # its text follows the state (_training_state)

    # -- documents and graphs -------------------------------------------------------------------------
    def set_document(self, doc: Document) -> None:
        """Edit `doc` in this window (the previous session is dropped without asking)."""
        if self.controller is not None:
            self.controller.stop_and_wait()  # a run belongs to the document it trains
        if self.session is not None:
            self.session.close()
            if self.scene is not None:
                self.scene.detach()
        session = EditSession(doc, self)
        session.shapes_at_data_size = self.act_data_size.isChecked()  # a View setting, not the document's
        self.session = session
        self._attach_training(session)
        for key in list(doc.networks):
            session.ensure_positions(key)
        session.message.connect(self.show_message)
        session.undo_stack.cleanChanged.connect(self._update_title)
        session.undo_stack.indexChanged.connect(self._update_actions)
        session.analysis_ready.connect(self._update_stats)
        session.blocks_changed.connect(self._blocks_changed)
        session.flow_changed.connect(lambda: QTimer.singleShot(0, self.view.fit))
        self._replace_panels(session)
        self.autosaver.watch(session)
        self.show_graph(session.current_key, fit=False)
        # Shapes follow right after the first paint: the window shows at once, even when
        # the first analysis of the process is slow (torch imports on first use).
        if self.isVisible():
            session.schedule_analysis()
        else:
            self._analyse_when_shown = True
        self.stats_label.setText("analysing…")
        self._blocks_changed()
        self._update_title()
        self._update_actions()
        self.view.show_top()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._sized_docks:
            self._sized_docks = True
            if self.settings.window_state()[1] is None:  # first run: sensible panel sizes
                self.resizeDocks([self.palette_dock, self.inspector_dock], [230, 330], Qt.Orientation.Horizontal)
                self.resizeDocks([self.bottom_dock], [max(240, self.height() * 7 // 25)], Qt.Orientation.Vertical)
                width = self.width()
                self.resizeDocks([self.bottom_dock, self.inside_dock], [width * 11 // 20, width * 9 // 20],
                                 Qt.Orientation.Horizontal)
        if self._analyse_when_shown:
            self._analyse_when_shown = False
            QTimer.singleShot(0, lambda: self.session.schedule_analysis())

    # -- training ------------------------------------------------------------------------------------
    def _attach_training(self, session: EditSession) -> None:
        """The controller and panels follow the session; earlier runs stay listed."""
        if self.controller is None:
            controller = self.controller = TrainingController(session, self)
            controller.state_changed.connect(self._training_state)
            controller.run_started.connect(self._run_started)
            controller.progressed.connect(self._progressed)
            controller.snapshot.connect(self.inside.set_snapshot)
            controller.epoch_ended.connect(self.inside.set_epoch)
            controller.run_ended.connect(self._run_ended)
            controller.message.connect(self.show_message)
            controller.probe_failed.connect(self.inside.activations.set_failed)
            controller.maximized.connect(lambda r: self.inside.activations.show_maximized(*r))
            controller.maximize_failed.connect(self.inside.activations.show_maximize_failed)
            self.inside.activations.sample_changed.connect(lambda _i: self._watch_selection())
            self.inside.activations.maximize_requested.connect(lambda n, c: self.controller.maximize(n, c))
            self.training_panel = TrainingPanel(controller, session)
            self.training_panel.save_weights.connect(self.save_trained_weights)
            self.training_holder.layout().addWidget(self.training_panel)
        else:
            self.controller.set_session(session)
            self.training_panel.set_session(session)
            self.curves.set_runs(self.controller.runs, None)  # earlier runs stay listed, to overlay
        session.training_changed.connect(self._recipe_changed)
        session.training_changed.connect(self._refresh_document_inspector)
        session.trained_changed.connect(self._trained_changed)
        session.read_only_changed.connect(lambda _on: self._update_actions())
        self._recipe_changed()
        self._training_state(self.controller.state)

    def train(self, pause_after: int | None = None) -> bool:
        """Train (F5): the Training panel and the curves come to the front."""
        if not self.controller.start(pause_after):
            reason = self.controller.why_not_train()
            if reason:
                self.show_message(reason)
            return False
        self.training_dock.raise_()
        self.bottom_tabs.setCurrentWidget(self.curves)
        return True

    def pause_or_resume(self) -> None:
        if self.controller.state == "paused":
            self.controller.resume()
        else:
            self.controller.pause()

    def _find_lr(self) -> None:
        self.training_dock.raise_()
        self.controller.find_lr()

    def _training_state(self, state: str) -> None:
        c = self.controller
        active = state in ("starting", "running", "paused")
        self.act_train.setEnabled(state == "idle" and not c.finding_lr)
        self.act_pause.setEnabled(active)
        self.act_pause.setText(f"&{pause_label(state, glyph=False)}")
        self.pause_tool.setText(pause_label(state))
        self.act_stop.setEnabled(active)
        self.act_save_weights.setEnabled(self.session.trained is not None and state == "idle")
        self.act_find_lr.setEnabled(state == "idle" and not c.finding_lr)
        self._update_train_label()
        if state in ("paused", "idle") and c.current is not None:
            self.curves.redraw(full=True)  # the throttled series (the rate's line) catch up
        if state == "idle":
            self._watch_selection()

    def _update_train_label(self) -> None:
        c = self.controller
        record = c.current
        if c.state == "idle":
            text = "" if record is None or record.final is None else f"{record.name} {record.outcome}"
            if c.finding_lr:
                text = "finding the learning rate…"
        else:
            what = {"starting": "starting", "running": "training", "paused": "paused",
                    "stopping": "stopping"}[c.state]
            text = f"● {record.name} {what}"
            if record is not None and record.started is not None:
                started = record.started
                epoch = min(len(record.epochs) + started.start_epoch + 1, started.epochs)
                text += f" · epoch {epoch}/{started.epochs} · step {record.step:,}/{record.total_steps:,}"
        self.train_label.setText(text)

    def _run_started(self, record: RunRecord) -> None:
        self.problems.set_run_problem(None)
        self.curves.set_runs(self.controller.runs, record)
        self._update_train_label()

    def _progressed(self, record: RunRecord) -> None:
        self.curves.refresh()
        self._update_train_label()

    def _run_ended(self, record: RunRecord) -> None:
        self.curves.redraw(full=True)
        self.curves.refresh_run_labels()
        self._update_train_label()
        if isinstance(record.final, Failed):
            self.problems.set_run_problem(record.final.message)
            self.bottom_tabs.setCurrentWidget(self.problems)
            self.show_message(f"Training failed: {record.final.message}")
        else:
            self.show_message(f"{record.name} {record.outcome}: {record.summary()}")

    def _refresh_document_inspector(self) -> None:
        """The inspector shows the recipe when nothing is selected."""
        if self.inspector is not None and self.scene is not None and not self.scene.selected_ids():
            self.inspector.show_selection(self.key, [])

    def _recipe_changed(self) -> None:
        recipe = self.session.doc.training
        task = recipe.get("task", "") if recipe else ""
        self._update_inside_tabs(task)
        if self.inside_dock.isVisible():
            self.controller.probe()

    def _trained_changed(self) -> None:
        self.act_save_weights.setEnabled(self.session.trained is not None and not self.controller.busy)
        if self.session.trained is None and not self.controller.busy and self.inside_dock.isVisible():
            self.controller.probe()

    def _update_inside_tabs(self, task: str | None = None) -> None:
        if task is None:
            recipe = self.session.doc.training
            task = recipe.get("task", "") if recipe else ""
        analysis = self.session.analysis
        ops = [n.op for n in analysis.flat.nodes.values()] if analysis is not None else []
        has_conv = any(op in ("Conv2d", "ConvTranspose2d") for op in ops)
        shape: tuple[int, ...] = ()
        if analysis is not None and len(analysis.flat.inputs) == 1:
            node = analysis.nodes.get(analysis.flat.inputs[0])
            shape = tuple(node.outputs[0].shape) if node is not None and node.ok else ()
        self.inside.set_task(task, has_conv, two_d=shape == (2,), image_input=len(shape) == 3)

    def _watch_selection(self) -> None:
        """The selected node's activations (and filters) in the views, from the run or the current weights."""
        if self.controller is None or self.scene is None:
            return
        ids = self.scene.selected_ids()
        node_id = ids[0] if len(ids) == 1 and not self.key.startswith(BLOCK_PREFIX) else None
        analysis = self.session.analysis
        op = self.graph.nodes[node_id].op if node_id in self.graph.nodes else ""
        flat_ops = {i: n.op for i, n in analysis.flat.nodes.items()} if analysis is not None else {}
        convs = [i for i, o in flat_ops.items() if o in ("Conv2d", "ConvTranspose2d")]
        self.inside.activations.set_node(node_id, op)
        self.inside.filters.set_node(node_id, flat_ops.get(node_id) in ("Conv2d", "ConvTranspose2d"),
                                     convs[0] if convs else None)
        recipe = self.session.doc.training
        first = next(iter(self.session.doc.networks), "model")
        if recipe and recipe.get("task") == "gan":
            first = "generator"
        if node_id is not None and self.session.analysed_network() != first:
            self.inside.activations.set_failed(f"Activations are shown for nodes of the {first} network, whose "
                                               "input the run can supply.")
            node_id = None
        watched = (node_id,) if node_id is not None and node_id in flat_ops else ()
        # Idle introspection only when someone can see it (it loads the data and builds the network).
        self.controller.watch(watched, self.inside.activations.sample_spin.value(),
                              probe=self.inside_dock.isVisible())

    def save_trained_weights(self) -> bool:
        """Write the last run's weights as safetensors (one file per network)."""
        trained = self.session.trained
        if trained is None:
            self.show_message("No trained weights: train the network first (F5)")
            return False
        from engine.weights import save_weights

        doc = self.session.doc
        stem = _file_stem(doc.title)
        suggestion = str(Path(self._dialog_dir()) / f"{stem}.safetensors")
        path, _ = QFileDialog.getSaveFileName(self, "Save Trained Weights", suggestion,
                                              "safetensors (*.safetensors)")
        if not path:
            return False
        path = Path(path)
        written = []
        try:
            for name, model in trained.models.items():
                target = path if len(trained.models) == 1 else path.with_name(f"{path.stem}.{name}{path.suffix}")
                written.append(save_weights(model, target))
        except OSError as exc:
            QMessageBox.critical(self, "Cannot save", f"{path} could not be written:\n{exc.strerror or exc}")
            return False
        self._saved_weights = trained
        self.show_message("Saved " + ", ".join(str(p) for p in written))
        return True

    def _replace_panels(self, session: EditSession) -> None:
        for widget in (self.inspector, self.summary, self.problems):
            if widget is not None:
                widget.deleteLater()
        self.inspector = Inspector(session)
        self.inspector.open_block.connect(lambda name: self.show_graph(block_key(name)))
        self.inspector.ungroup.connect(lambda node_id: self.ungroup(node_id))
        self.inspector_holder.layout().addWidget(self.inspector)
        self.summary = SummaryPanel(session)
        self.summary.node_clicked.connect(self.reveal_node)
        self.problems = ProblemsList(session)
        self.problems.node_clicked.connect(self.reveal_node)
        self.problems.count_changed.connect(self._problem_count)
        session.analysis_ready.connect(lambda _a: self._update_inside_tabs())
        self.bottom_tabs.clear()
        self.bottom_tabs.addTab(self.summary, "Summary")
        self.bottom_tabs.addTab(self.problems, "Problems")
        self.bottom_tabs.addTab(self.curves, "Curves")

    def show_graph(self, key: str, fit: bool = True) -> None:
        """Show a network, or a block's body, on the canvas."""
        session = self.session
        if not session.has_graph(key):
            return
        if self.scene is not None:
            self.scene.detach()
        session.current_key = key
        session.ensure_positions(key)
        scene = GraphScene(session, key, self)
        scene.snap_to_grid = self.act_snap.isChecked()
        scene.selectionChanged.connect(self._selection_changed)
        scene.node_double_clicked.connect(self._node_double_clicked)
        old, self.scene = self.scene, scene
        self.view.setScene(scene)
        self.view.sync_labels()
        if old is not None:
            old.deleteLater()
        self._fill_graph_combo()
        in_block = key.startswith(BLOCK_PREFIX)
        self.back_button.setVisible(in_block)
        self.palette.set_block_ports(in_block)
        self.where_label.setText(self._where_text(key))
        if self.inspector is not None:
            self.inspector.show_selection(key, [])
        if fit:
            session.analyze_now()
            self.view.fit()

    def _where_text(self, key: str) -> str:
        if not key.startswith(BLOCK_PREFIX):
            return STARTER_HINT if _is_starter(self.session.doc.network(key)) else ""
        name = key[len(BLOCK_PREFIX):]
        network = self.session.analysed_network()
        used = any(n.op == name for n in self.session.doc.network(network).nodes.values())
        if used:
            return f"Editing block {name}: shapes come from its first use in {network}"
        return f"Editing block {name}: no network uses it yet, so its shapes are unknown"

    def back_to_network(self) -> None:
        self.show_graph(self.session.analysed_network())

    def _fill_graph_combo(self) -> None:
        combo = self.graph_combo
        combo.blockSignals(True)
        combo.clear()
        for name in self.session.doc.networks:
            combo.addItem(name, name)
        for name in self.session.doc.blocks:
            combo.addItem(f"{name} (block)", block_key(name))
        combo.setCurrentIndex(max(0, combo.findData(self.session.current_key)))
        combo.blockSignals(False)

    def _blocks_changed(self) -> None:
        doc = self.session.doc
        self.palette.set_blocks([(name, block.doc) for name, block in doc.blocks.items()])
        if not self.session.has_graph(self.session.current_key):
            self.show_graph(self.session.analysed_network() if self.session.current_key.startswith(BLOCK_PREFIX)
                            else next(iter(doc.networks)))
        else:
            self._fill_graph_combo()

    @property
    def graph(self) -> Graph:
        return self.session.graph(self.session.current_key)

    @property
    def key(self) -> str:
        return self.session.current_key

    # -- status and title --------------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _update_title(self, *_args) -> None:
        doc = self.session.doc
        name = doc.path.name if doc.path else f"{doc.title} (unsaved)"
        self.setWindowTitle(f"{name}[*] — Netsmith")
        self.setWindowModified(self.session.dirty)

    def _update_actions(self, *_args) -> None:
        stack = self.session.undo_stack
        editable = not self.session.read_only
        self.act_undo.setEnabled(stack.canUndo() and editable)
        self.act_redo.setEnabled(stack.canRedo() and editable)
        self.act_undo.setText(f"&Undo {stack.undoText()}".rstrip())
        self.act_redo.setText(f"&Redo {stack.redoText()}".rstrip())
        self._update_title()

    def _update_stats(self, analysis) -> None:
        self.where_label.setText(self._where_text(self.key))
        graph = self.session.doc.network(self.session.analysed_network())
        errors = len(analysis.errors)
        state = "✓ no errors" if not errors else f"✕ {errors} error{'s' * (errors > 1)}"
        self.stats_label.setText(
            f"{len(graph)} nodes · {analysis.total_params:,} params · "
            f"{describe_count(analysis.total_flops)} FLOPs · {state}")

    def _problem_count(self, errors: int, warnings: int) -> None:
        text = "Problems" if not errors and not warnings else f"Problems ({errors + warnings})"
        self.bottom_tabs.setTabText(1, text)

    def _selection_changed(self) -> None:
        if self.scene is None or self.inspector is None:
            return
        ids = self.scene.selected_ids()
        self.inspector.show_selection(self.key, ids)
        if ids and not self.inspector_dock.isHidden():  # a dock the user closed stays closed
            self.inspector_dock.raise_()  # over the Training panel it shares the right side with
        self._watch_selection()

    # -- files ------------------------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Ask about unsaved changes, then about unsaved trained weights; False when the user cancels."""
        return self._maybe_save_document() and self._maybe_save_weights()

    def _maybe_save_document(self) -> bool:
        if not self.session.dirty:
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes", f"Save the changes to {self.session.doc.title}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _maybe_save_weights(self) -> bool:
        """A run's weights live only in this window until saved: closing the document or the window
        would lose them, so ask as for unsaved edits. A run in progress is asked about too; Save stops
        it (within a batch) and saves the weights so far."""
        c = self.controller
        record = c.current
        if c.busy and record is not None:
            text = (f"{record.name} is still training. Stopping it keeps its weights so far, but they are lost "
                    "with the document unless you save them.\n\nSave the trained weights (safetensors)?")
        elif self.unsaved_weights():
            text = (f"The trained weights of {self.session.trained.run} are not saved: they are lost with the "
                    "document.\n\nSave the trained weights (safetensors)?")
        else:
            return True
        answer = QMessageBox.question(
            self, "Unsaved trained weights", text,
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            c.stop_and_wait()  # a run in progress ends here and attaches its weights
            return self.save_trained_weights()
        return answer == QMessageBox.StandardButton.Discard

    def discard_unsaved_work(self) -> None:
        """Let the window close without asking (screenshots, tests): end a run, drop its weights and
        the edits' unsaved mark."""
        self.controller.stop_and_wait()
        self.session.set_trained(None)
        self.session.undo_stack.setClean()

    def unsaved_weights(self) -> bool:
        """The attached weights come from a run of this window and were neither saved nor exported
        (imported ones are in their file; the Playground's stay in its window)."""
        trained = self.session.trained
        return trained is not None and trained.trainer is not None and trained is not self._saved_weights

    def new_file(self) -> None:
        if self.maybe_save():
            self.set_document(new_document())

    def new_window(self, doc: Document | None = None) -> MainWindow:
        window = MainWindow(doc or new_document(), self.settings)
        _windows.append(window)
        window.show()
        return window

    # -- the Playground ------------------------------------------------------------------------
    def open_playground(self, doc: Document | None = None) -> QMainWindow | None:
        """The Playground window, on `doc` when given (a Playground-shaped network, else refused)."""
        from app.playground.window import PlaygroundWindow

        window = PlaygroundWindow(open_in_editor=self.open_from_playground)
        if doc is not None and not window.load_document(doc.copy()):
            window.deleteLater()
            return None
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._playgrounds.append(window)
        window.destroyed.connect(lambda *_: self._playgrounds.remove(window) if window in self._playgrounds else None)
        window.show()
        return window

    def open_from_playground(self, doc: Document) -> MainWindow:
        """A Playground network in a new editor window, with the Playground's weights attached."""
        from app.playground.documents import weights_of
        from engine.compiler import compile_network

        window = self.new_window(doc)
        weights = weights_of(doc)
        if weights is not None:
            module = compile_network(doc.network())
            module.load_state_dict(weights, strict=True)
            window.session.set_trained(TrainedWeights({"model": module}, "Playground", "weights from the Playground"))
        window.raise_()
        return window

    def open_file(self, path: str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Open", self._dialog_dir(), FILE_FILTER)
            if not path:
                return False
        try:
            doc = Document.load(path)
        except DocumentError as exc:
            QMessageBox.critical(self, "Cannot open the file", f"{Path(path).name} cannot be opened.\n\n{exc}")
            return False
        if not self.maybe_save():
            return False
        self.set_document(doc)
        self.settings.add_recent(path)
        return True

    def open_template(self, name: str | None = None) -> bool:
        if name is None:
            gallery = TemplateGallery(self)
            try:
                if not gallery.exec() or gallery.chosen is None:
                    return False
                name = gallery.chosen
            finally:
                gallery.deleteLater()  # each opening builds its own; a kept one holds every template
        try:
            doc = load_template(name)
        except DocumentError as exc:
            QMessageBox.critical(self, "Cannot open the template", str(exc))
            return False
        if not self.maybe_save():
            return False
        self.set_document(doc)
        return True

    def _dialog_dir(self) -> str:
        doc = self.session.doc if self.session else None
        return self.settings.dialog_dir(doc.path if doc is not None else None)

    def save(self) -> bool:
        if self.session.doc.path is None:
            return self.save_as()
        return self._save_to(self.session.doc.path)

    def save_as(self) -> bool:
        doc = self.session.doc
        suggestion = str(Path(self._dialog_dir()) / (doc.path.name if doc.path else f"{_file_stem(doc.title)}.json"))
        path, _ = QFileDialog.getSaveFileName(self, "Save As", suggestion, FILE_FILTER)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".json"
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            self.session.doc.save(path)
        except OSError as exc:
            QMessageBox.critical(self, "Cannot save", f"{path} could not be written:\n{exc.strerror or exc}")
            return False
        self.session.undo_stack.setClean()
        self.settings.add_recent(path)
        self.autosaver.discard()
        self._update_title()
        self.show_message(f"Saved {path}")
        return True

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        for path in files:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _c=False, p=path: self._open_recent(p))
        if not files:
            self.recent_menu.addAction("No recent files").setEnabled(False)

    def _open_recent(self, path: str) -> None:
        if not Path(path).exists():
            self.settings.remove_recent(path)
            QMessageBox.warning(self, "File not found", f"{path} no longer exists.")
            return
        self.open_file(path)

    def offer_recovery(self) -> bool:
        """After a crash: offer to restore unsaved work left in the recovery folder."""
        found = pending_recoveries(self.settings.recovery_dir)
        if not found:
            return False
        newest = found[0]
        answer = QMessageBox.question(
            self, "Restore unsaved work?",
            f"Netsmith did not close normally. Unsaved work on “{newest.title}” from {newest.saved_at} "
            "was kept. Restore it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            for recovery in found:
                recovery.discard()
            return False
        try:
            doc = newest.load()
        except DocumentError as exc:
            QMessageBox.critical(self, "Cannot restore", str(exc))
            return False
        self.set_document(doc)
        # The restored work is unsaved: mark it so, and keep it recoverable.
        self.session.undo_stack.resetClean()
        self._update_title()
        for recovery in found:
            recovery.discard()
        self.autosaver.save_now()
        return True

    def choose_autosave_interval(self) -> None:
        seconds, ok = QInputDialog.getInt(
            self, "Autosave", "Keep unsaved work in a recovery file every (seconds):",
            self.settings.autosave_seconds, 5, 3600)
        if ok:
            self.settings.autosave_seconds = seconds
            self.autosaver.set_interval(seconds)

    def export(self, fmt: export_actions.ExportFormat) -> bool:
        if self.session.analysis is not None and not self.session.analysis.ok:
            QMessageBox.warning(self, "Export", "Fix the errors in the Problems list before exporting.")
            return False
        doc = self.session.doc
        suggestion = str(Path(self._dialog_dir()) / f"{_file_stem(doc.title)}{fmt.suffix}")
        path, _ = QFileDialog.getSaveFileName(self, f"Export {fmt.description}", suggestion, fmt.file_filter)
        if not path:
            return False
        try:
            network = self.session.analysed_network()
            written = export_actions.export(fmt, doc, path, network, module=self.session.trained_module(network))
        except Exception as exc:  # an exporter's refusal (it lists every problem): tell the user, keep the work
            QMessageBox.critical(self, "Export failed", str(exc))
            return False
        if any(Path(p).suffix == ".safetensors" for p in written) and len(self.session.doc.networks) == 1:
            self._saved_weights = self.session.trained  # the export wrote them beside the code
        self.show_message("Exported " + ", ".join(str(p) for p in written))
        return True

    def import_weights(self) -> bool:
        """Load a safetensors file into the network and attach it as its trained weights."""
        if self.controller.busy:
            self.show_message("Training is running: stop it before importing weights")
            return False
        path, _ = QFileDialog.getOpenFileName(self, "Import Weights", self._dialog_dir(),
                                              "safetensors (*.safetensors)")
        if not path:
            return False
        network = self.session.analysed_network()
        try:
            module = export_actions.read_weights_into(self.session.doc, path, network)
        except Exception as exc:  # WeightsError names every missing, unexpected or mis-shaped tensor
            QMessageBox.critical(self, "Import failed", str(exc))
            return False
        self.session.set_trained(TrainedWeights({network: module}, "Imported", Path(path).name))
        self.show_message(f"Weights from {path} are attached to {network}")
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.maybe_save():
            event.ignore()
            return
        self.settings.save_window_state(self.saveGeometry(), self.saveState())
        self.settings.sync()
        self.autosaver.stop()
        self.controller.shutdown()  # ends a run within one batch and joins every thread
        self.training_panel.recipe.close_jobs()
        self.session.close()
        if self in _windows:
            _windows.remove(self)
        event.accept()

    # -- editing ----------------------------------------------------------------------------------------
    def _view_center(self) -> QPointF:
        center = self.view.mapToScene(self.view.viewport().rect().center())
        return QPointF(center.x() - NODE_WIDTH / 2, center.y() - NODE_HEIGHT / 2)

    def add_op(self, op: str) -> str | None:
        """Palette double-click: after the selected node (connected), else in the middle of the view."""
        selected = self.scene.selected_ids()
        after = selected[0] if len(selected) == 1 else None
        center = self._view_center()
        node_id = edits.add_node(self.session, self.key, op, (center.x(), center.y()), after=after)
        if node_id is not None:
            self.scene.select_ids([node_id])
            self.view.ensureVisible(self.scene.nodes[node_id], 60, 60)
        return node_id

    def _drop_op(self, op: str, pos: QPointF) -> None:
        node_id = edits.add_node(self.session, self.key, op, (pos.x(), pos.y()), exact=True)
        if node_id is not None:
            self.scene.select_ids([node_id])

    def copy(self) -> bool:
        return clipboard.copy_nodes(self.session, self.key, self.scene.selected_ids())

    def cut(self) -> None:
        ids = self.scene.selected_ids()
        if self.copy():
            edits.delete(self.session, self.key, ids)

    def paste(self, pos: QPointF | None = None) -> list[str]:
        """Paste at `pos`, else under the mouse when it is over the canvas, else beside the originals."""
        if pos is None:
            cursor = self.view.viewport().mapFromGlobal(QCursor.pos())
            if self.view.viewport().rect().contains(cursor):
                pos = self.view.mapToScene(cursor)
        ids = clipboard.paste(self.session, self.key, None if pos is None else (pos.x(), pos.y()))
        if ids:
            self.scene.select_ids(ids)
        return ids

    def duplicate(self) -> list[str]:
        ids = self.scene.selected_ids()
        if not ids:
            return []
        new = clipboard.paste_payload(self.session, self.key, clipboard.payload(self.session, self.key, ids))
        if new:
            self.scene.select_ids(new)
        return new

    def delete(self) -> None:
        edits.delete(self.session, self.key, self.scene.selected_ids(), self.scene.selected_edges())

    def select_all(self) -> None:
        self.scene.select_ids(list(self.graph.nodes))

    def rename(self) -> None:
        ids = self.scene.selected_ids()
        if len(ids) != 1:
            self.show_message("Select one node to rename")
            return
        self.inspector_dock.show()
        self.inspector.focus_name()

    def group(self) -> str | None:
        ids = self.scene.selected_ids()
        if not ids:
            self.show_message("Select the nodes to group into a block")
            return None
        name, ok = QInputDialog.getText(self, "Group into Block", "Block name:",
                                        text=grouping.suggest_block_name(self.session))
        if not ok or not name.strip():
            return None
        node_id = grouping.group(self.session, self.key, ids, name.strip())
        if node_id is not None:
            self.scene.select_ids([node_id])
        return node_id

    def ungroup(self, node_id: str | None = None) -> None:
        if node_id is None:
            ids = self.scene.selected_ids()
            if len(ids) != 1:
                self.show_message("Select one block instance to ungroup")
                return
            node_id = ids[0]
        new = grouping.ungroup(self.session, self.key, node_id)
        if new:
            self.scene.select_ids(new)

    def _selected_block(self) -> str | None:
        ids = self.scene.selected_ids()
        if len(ids) == 1 and ids[0] in self.graph.nodes and self.graph.nodes[ids[0]].op in self.session.doc.blocks:
            return ids[0]
        self.show_message("Select one block instance")
        return None

    def toggle_expanded(self) -> None:
        node_id = self._selected_block()
        if node_id is not None:
            expanded = bool(self.graph.nodes[node_id].ui.get("expanded"))
            edits.set_expanded(self.session, self.key, node_id, not expanded)

    def open_selected_block(self) -> None:
        node_id = self._selected_block()
        if node_id is not None:
            self.show_graph(block_key(self.graph.nodes[node_id].op))

    def _node_double_clicked(self, node_id: str) -> None:
        op = self.graph.nodes[node_id].op
        if op in self.session.doc.blocks:
            self.show_graph(block_key(op))
        else:
            self.scene.select_ids([node_id])
            self.inspector.focus_name()

    def auto_layout(self, flow: str) -> None:
        edits.auto_layout(self.session, self.key, flow)
        self.view.fit()

    def reveal_node(self, node_id: str) -> None:
        """Select a node named in the summary or the problems list, and bring it into view."""
        if node_id not in self.graph.nodes:
            network = self.session.analysed_network()
            if node_id not in self.session.doc.network(network).nodes:
                return
            self.show_graph(network)
        self.scene.select_ids([node_id])
        self.view.centerOn(self.scene.nodes[node_id])

    def _context_menu(self, pos: QPointF, node_id: str | None) -> QMenu:
        menu = QMenu(self)
        if node_id is not None:
            for action in (self.act_rename, self.act_duplicate, self.act_copy, self.act_cut, self.act_delete, None,
                           self.act_group):
                menu.addSeparator() if action is None else menu.addAction(action)
            if self.graph.nodes[node_id].op in self.session.doc.blocks:
                for action in (self.act_open_block, self.act_expand, self.act_ungroup):
                    menu.addAction(action)
            menu.addSeparator()
            menu.addAction("Layer Reference", lambda: self.layer_docs(self.graph.nodes[node_id].op))
        else:
            menu.addAction("Paste Here", lambda: self.paste(pos))
            menu.addSeparator()
            for action in (self.act_select_all, self.act_layout_down, self.act_layout_right, self.act_fit):
                menu.addAction(action)
        return menu

    # -- view ----------------------------------------------------------------------------------------------
    def _toggle_data_size(self) -> None:
        self.session.set_shapes_at_data_size(self.act_data_size.isChecked())

    def _toggle_snap(self) -> None:
        self.settings.snap_to_grid = self.act_snap.isChecked()
        if self.scene is not None:
            self.scene.snap_to_grid = self.act_snap.isChecked()

    def set_theme(self, name: str) -> None:
        apply_theme(QApplication.instance(), THEMES[name])
        self.settings.theme = name
        self.theme_actions[name].setChecked(True)
        self.view.resetCachedContent()
        if self.scene is not None:
            self.scene.rebuild()
        if self.session.analysis is not None:
            self.problems.refresh(self.session.analysis)
        self.curves.apply_theme()
        self.inside.apply_theme()
        self.training_panel.apply_theme()

    def about(self) -> None:
        QMessageBox.about(
            self, "About Netsmith",
            f"<h3>Netsmith {__version__}</h3><p>A workbench for neural networks in PyTorch: build them as "
            "graphs, see every shape as you edit, train, and export clean Python.</p>"
            f"<p>Theme: {current_theme().name}. Templates reproduce the classic papers.</p>")

    def layer_docs(self, op: str | None = None) -> None:
        if op is None and self.scene is not None:
            ids = self.scene.selected_ids()
            op = self.graph.nodes[ids[0]].op if len(ids) == 1 else None
        LayerDocs(self, op).exec()


def _key_sequences(shortcut) -> list[QKeySequence]:
    """Every binding of a shortcut or a list of them, each once.

    `QKeySequence(StandardKey)` keeps only the platform's first binding, so Redo as
    [K.Redo, "Ctrl+Y"] became Ctrl+Y twice where that is the first: Qt then calls the
    shortcut ambiguous and neither key works. A standard key expands to all its bindings.
    """
    found: list[QKeySequence] = []
    for item in shortcut if isinstance(shortcut, (list, tuple)) else [shortcut]:
        if isinstance(item, QKeySequence.StandardKey):
            sequences = QKeySequence.keyBindings(item)
        else:
            sequences = [QKeySequence(item)]
        found.extend(seq for seq in sequences if not seq.isEmpty() and seq not in found)
    return found


def initial_geometry(available: QRect) -> QRect:
    """The first window: 88 % of the screen's free area, centred."""
    size = QSize(round(available.width() * 0.88), round(available.height() * 0.88))
    rect = QRect(QPoint(0, 0), size)
    rect.moveCenter(available.center())
    return rect


def _is_starter(graph: Graph) -> bool:
    """Whether `graph` is still File > New's input wired straight to its output."""
    return sorted(n.op for n in graph.nodes.values()) == ["Input", "Output"] and graph.edge_count == 1


def _file_stem(title: str) -> str:
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in title.strip()).strip("_")
    return stem.lower() or "untitled"
