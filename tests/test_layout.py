"""The package's shape, checked: imports point one way (down the layers below), there are no import cycles,
edge libraries are imported only at the edges, and every package folder is installed."""

from __future__ import annotations

import ast
from pathlib import Path

import tomllib

from tests.conftest import ROOT

PKG = ROOT / "gesturectl"

#: Layers, lowest first. A module may import its own layer and the layers before it, never a later one.
LAYERS: list[tuple[str, ...]] = [
    (
        "gesturectl",
        "gesturectl.types",
        "gesturectl.errors",
        "gesturectl.commands",
        "gesturectl.timing",
        "gesturectl.filters",
        "gesturectl.paths",
        "gesturectl.safeyaml",
        "gesturectl.models",
    ),  # the shared vocabulary
    ("gesturectl.sources",),  # Frame sources
    ("gesturectl.pose",),  # Frame -> Pose (or a Scene of everyone)
    ("gesturectl.people",),  # Scene -> the controlling Pose (tracking, limb ownership, user lock)
    ("gesturectl.gestures",),  # Pose -> GestureEvent
    ("gesturectl.actions",),  # GestureEvent -> Action -> the OS
    ("gesturectl.config",),  # every stage's settings, assembled and validated
    ("gesturectl.runtime", "gesturectl.service"),  # wires the stages: the daemon; the pose service (HTTP)
    ("gesturectl.synth", "gesturectl.simple_baselines"),  # dev tools; the optional PyTorch side
    ("gesturectl.cli", "gesturectl.__main__", "gesturectl.serverless"),  # the commands; the Lambda entry point
]

#: Edge libraries and the only places allowed to import them.
EDGES: dict[str, tuple[str, ...]] = {
    "onnxruntime": ("gesturectl.pose.models",),
    "cv2": (
        "gesturectl.sources",
        "gesturectl.pose",
        "gesturectl.cli",
        "gesturectl.simple_baselines",
        "gesturectl.runtime.preview",
        "gesturectl.service.core",
    ),
    "torch": ("gesturectl.simple_baselines",),
    "pyautogui": ("gesturectl.actions",),
    "pynput": ("gesturectl.actions",),
    "Xlib": ("gesturectl.actions", "gesturectl.runtime.tray"),
    "pystray": ("gesturectl.runtime.tray",),
    "desktop_notifier": ("gesturectl.runtime.notify",),
    "tkinter": ("gesturectl.runtime.preview.window", "gesturectl.actions.key_probe"),
    "fastapi": ("gesturectl.service.app", "gesturectl.service.server"),
    "starlette": ("gesturectl.service.app",),
    "uvicorn": ("gesturectl.service.server",),
    "psutil": ("gesturectl.actions",),
    "subprocess": ("gesturectl.actions", "gesturectl.runtime", "gesturectl.cli"),
    "jeepney": ("gesturectl.actions.portal", "gesturectl.actions.kwin_windows"),
}


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, ast.Module]:
    return {module_name(p): ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in sorted(PKG.rglob("*.py"))}


def imports(mod: str, tree: ast.Module) -> set[str]:
    """Every module this one imports, at any depth of the file (lazy imports count too)."""
    out: set[str] = set()
    package = mod if (PKG / Path(*mod.split(".")[1:]) / "__init__.py").exists() else mod.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return out


def layer_of(mod: str) -> int:
    best, rank = -1, None
    for i, names in enumerate(LAYERS):
        for n in names:
            if (mod == n or mod.startswith(n + ".")) and len(n) > best:
                best, rank = len(n), i
    assert rank is not None, f"{mod} is in no layer of tests/test_layout.py: put it in one"
    return rank


def own_modules(names: set[str], known: set[str]) -> set[str]:
    return {n for n in names if n in known}


def test_imports_never_point_up_the_layers():
    mods = modules()
    known = set(mods)
    upward = []
    for mod, tree in mods.items():
        for dep in own_modules(imports(mod, tree), known):
            if layer_of(dep) > layer_of(mod):
                upward.append(f"{mod} (layer {layer_of(mod)}) imports {dep} (layer {layer_of(dep)})")
    assert not upward, "imports that point up the layers:\n" + "\n".join(sorted(upward))


def test_no_import_cycles():
    mods = modules()
    known = set(mods)
    graph = {m: sorted(own_modules(imports(m, t), known) - {m}) for m, t in mods.items()}
    # a package's __init__ importing its own submodules (re-exports) is not a cycle worth reporting
    graph = {m: [d for d in deps if not d.startswith(m + ".")] for m, deps in graph.items()}
    state: dict[str, int] = {}
    path: list[str] = []
    cycles: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for d in graph[m]:
            if state.get(d) == 1:
                cycles.append(" -> ".join(path[path.index(d) :] + [d]))
            elif d not in state:
                visit(d)
        path.pop()
        state[m] = 2

    for m in graph:
        if m not in state:
            visit(m)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_edge_libraries_only_at_the_edges():
    wrong = []
    for mod, tree in modules().items():
        for dep in imports(mod, tree):
            lib = dep.split(".")[0]
            allowed = EDGES.get(lib)
            if allowed is not None and not any(mod == a or mod.startswith(a + ".") for a in allowed):
                wrong.append(f"{mod} imports {dep}; only {', '.join(allowed)} may")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_every_package_folder_is_installed():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = set(cfg["tool"]["setuptools"]["packages"]) - {"gesturectl.models"}
    on_disk = {module_name(p.parent / "__init__.py") for p in PKG.rglob("__init__.py")}
    assert declared == on_disk, f"pyproject's packages {sorted(declared ^ on_disk)} differ from the folders"


def test_modules_stay_small():
    """Modules of 100-300 lines are the norm; past 400 a file wants splitting (data tables excepted)."""
    long = [
        f"{module_name(p)}: {n} lines"
        for p in PKG.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    ]
    assert not long, long
