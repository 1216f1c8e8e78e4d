"""Round convolution weights onto onnxruntime's int8 grid with error feedback (GPTQ-style; dev-time only).

onnxruntime's static quantizer rounds every weight to the nearest step of its output channel's grid
(symmetric int8, step = max |w| / 127). This module chooses the rounding instead, one input at a time, and
pushes each rounding error onto the weights not yet rounded so that the channel's output on real inputs moves
as little as possible (the optimal-brain-quantization update of Frantar et al., GPTQ, 2022, with the inverse
Hessian of the layer's inputs). The result is a float model whose weights already lie on the grid, so the
quantizer that follows reproduces them exactly: the weight of largest magnitude in each channel is kept at
±127 steps, which keeps the step onnxruntime computes.

Used by tools/quantize_blazepose.py (`--round gptq`); models/MODELS.md has what it gained.
"""

from __future__ import annotations

import numpy as np

#: damping added to the Hessian's diagonal, as a fraction of its mean (GPTQ's default)
DAMP = 0.01


def _conv_attrs(node) -> tuple[int, list[int], list[int]]:
    from onnx import helper

    a = {x.name: helper.get_attribute_value(x) for x in node.attribute}
    return a.get("group", 1), list(a.get("strides", [1, 1])), list(a.get("pads", [0, 0, 0, 0]))


def patches(x: np.ndarray, k: int, strides: list[int], pads: list[int]) -> np.ndarray:
    """(C, H, W) activations -> (C, P, k*k) the k×k windows a convolution reads, per channel."""
    x = np.pad(x, ((0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    v = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(1, 2))[:, :: strides[0], :: strides[1]]
    return v.reshape(x.shape[0], -1, k * k)


def input_hessians(model_path, conv_names: set[str], inputs: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Per convolution, the sum of x xᵀ over the windows it reads on `inputs` (float model).

    A dense convolution gets one (C·k·k)² matrix shared by its output channels; a depthwise one gets one
    (k·k)² matrix per channel, shape (C, k·k, k·k).
    """
    import onnx
    import onnxruntime as ort

    model = onnx.load(str(model_path))
    nodes = {n.name: n for n in model.graph.node if n.name in conv_names}
    shapes = {i.name: list(i.dims) for i in model.graph.initializer}
    known = {o.name for o in model.graph.output}
    for t in {n.input[0] for n in nodes.values()} - known:
        model.graph.output.append(onnx.helper.make_tensor_value_info(t, onnx.TensorProto.FLOAT, None))
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    feed = session.get_inputs()[0].name
    sums: dict[str, np.ndarray] = {}
    for x in inputs:
        values = dict(zip(names, session.run(None, {feed: x})))
        for name, node in nodes.items():
            group, strides, pads = _conv_attrs(node)
            p = patches(values[node.input[0]][0].astype(np.float64), shapes[node.input[1]][2], strides, pads)
            if group == 1:
                flat = p.transpose(1, 0, 2).reshape(p.shape[1], -1)  # (P, C·k·k), the order of w.reshape(O, -1)
                h = flat.T @ flat
            else:
                h = np.einsum("cpi,cpj->cij", p, p)
            sums[name] = sums.get(name, 0) + h
    return sums


def _order_and_factor(h: np.ndarray, damp: float) -> tuple[np.ndarray, np.ndarray]:
    """Column order (largest input energy first) and the upper Cholesky factor of the permuted inverse."""
    h = h.copy()
    dead = np.diag(h) == 0
    h[dead, dead] = 1.0
    h += damp * float(np.mean(np.diag(h))) * np.eye(len(h))
    order = np.argsort(-np.diag(h), kind="stable")
    inv = np.linalg.inv(h[np.ix_(order, order)])
    return order, np.linalg.cholesky(inv).T


def round_rows(w: np.ndarray, h: np.ndarray, damp: float = DAMP) -> np.ndarray:
    """Round each row of `w` (O, D) onto its symmetric int8 grid (step max|row| / 127), with error feedback.

    Args:
        w: the weights, one output channel per row.
        h: the input Hessian: (D, D) shared by the rows, or (O, D, D) one per row (depthwise).
        damp: diagonal damping, as a fraction of the mean diagonal.

    Returns:
        (O, D) float weights, each an integer multiple (|q| ≤ 127) of its row's unchanged step.
    """
    w = np.asarray(w, np.float64)
    step = np.abs(w).max(axis=1) / 127.0
    step[step == 0] = 1.0
    pinned = np.abs(w).argmax(axis=1)  # stays at ±127 steps, so the step onnxruntime computes is this one
    out = np.zeros_like(w)
    groups = [(np.arange(len(w)), h)] if h.ndim == 2 else [(np.array([r]), h[r]) for r in range(len(w))]
    for rows, hr in groups:
        order, u = _order_and_factor(hr, damp)
        todo = w[np.ix_(rows, order)].copy()
        pin_at = np.argsort(order)[pinned[rows]]
        s = step[rows]
        for j in range(todo.shape[1]):
            q = np.clip(np.round(todo[:, j] / s), -127, 127)
            fix = pin_at == j
            q[fix] = np.sign(w[rows[fix], pinned[rows[fix]]]) * 127
            err = (todo[:, j] - q * s) / u[j, j]
            todo[:, j + 1 :] -= np.outer(err, u[j, j + 1 :])
            out[rows, order[j]] = q * s
    return out


def round_model(src, dst, conv_names: list[str], inputs: list[np.ndarray], damp: float = DAMP):
    """Write a copy of `src` to `dst` whose named convolutions have grid-rounded weights."""
    import onnx
    from onnx import numpy_helper

    hessians = input_hessians(src, set(conv_names), inputs)
    model = onnx.load(str(src))
    inits = {i.name: i for i in model.graph.initializer}
    for node in model.graph.node:
        if node.name not in hessians:
            continue
        tensor = inits[node.input[1]]
        w = numpy_helper.to_array(tensor)
        rounded = round_rows(w.reshape(w.shape[0], -1), hessians[node.name], damp).reshape(w.shape)
        tensor.CopyFrom(numpy_helper.from_array(rounded.astype(np.float32), tensor.name))
    onnx.save(model, str(dst))
    return dst
