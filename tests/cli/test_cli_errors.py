"""Every way a careless command line can fail ends in one line on stderr, never a traceback: outputs into a
missing folder, onto a full disk or of the wrong kind, `nan` seconds, a reader that goes away (`| head`), and
Ctrl+C during start-up."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time

import pytest

from gesturectl.cli import main
from tests.conftest import ROOT

DEMO = ROOT / "gesturectl" / "data" / "demo_trace.jsonl"


def test_record_into_a_missing_folder_creates_it(tmp_path):
    out = tmp_path / "new" / "dir" / "t.jsonl"
    assert main(["record", "--source", str(DEMO), "-o", str(out), "--seconds", "0.5"]) == 0
    assert out.read_text().startswith('{"format": "gesturectl-trace"')


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_record_onto_a_full_disk_is_one_line(tmp_path, capsys):
    assert main(["record", "--source", str(DEMO), "-o", "/dev/full"]) == 2
    assert capsys.readouterr().err.strip().endswith("No space left on device; free some space or write elsewhere")


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "two"])
def test_seconds_must_be_finite_and_positive(value, capsys):
    with pytest.raises(SystemExit) as e:
        main(["record", "--source", "demo", "-o", "x.jsonl", "--still-seconds", value])
    assert e.value.code == 2 and "--still-seconds" in capsys.readouterr().err


def test_pose_output_of_the_wrong_kind_is_refused_before_any_work(tmp_path, capsys):
    import cv2
    import numpy as np

    photo = tmp_path / "blank.png"
    cv2.imwrite(str(photo), np.zeros((64, 64, 3), np.uint8))
    assert main(["pose", str(photo), "-o", str(tmp_path / "x.txt")]) == 2
    assert "the output of an image must end in .png" in capsys.readouterr().err
    assert not (tmp_path / "x.txt").exists()


def test_a_reader_that_goes_away_ends_quietly(tmp_path):
    p = subprocess.Popen(
        [sys.executable, "-m", "gesturectl", "replay", str(DEMO)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, GESTURECTL_CONFIG_DIR=str(tmp_path / "cfg")),
    )
    p.stdout.readline()
    p.stdout.close()  # `| head -1`
    err = p.stderr.read().decode()
    assert p.wait(60) == 141 and err == "", err


@pytest.mark.slow
def test_ctrl_c_during_start_up_is_honoured(tmp_path):
    env = dict(
        os.environ,
        GESTURECTL_RUNTIME_DIR=str(tmp_path / "rt"),
        GESTURECTL_STATE_DIR=str(tmp_path / "st"),
        GESTURECTL_CONFIG_DIR=str(tmp_path / "cfg"),
    )
    for delay in (0.3, 0.6, 1.0):
        p = subprocess.Popen(
            [sys.executable, "-m", "gesturectl", "run", "--source", "demo", "--dry-run"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        p.send_signal(signal.SIGINT)
        try:
            rc = p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            pytest.fail(f"SIGINT after {delay} s was not honoured")
        err = p.stderr.read()
        assert rc in (0, 130, -signal.SIGINT), err
        assert "Traceback" not in err or rc == -signal.SIGINT, err  # (before our code runs Python itself exits)


def test_a_stop_signal_writes_nothing_from_its_handler(caplog):
    """The handler runs between two bytecodes of the main thread, maybe inside a log write: it must not log."""
    from gesturectl.cli.run import StopSignals

    sig, stops = StopSignals(), []
    sig.stop_with(lambda: stops.append(1))
    with caplog.at_level(logging.DEBUG):
        sig._handle(signal.SIGINT, None)
        sig._handle(signal.SIGTERM, None)
    assert caplog.records == [] and stops == [1, 1]
    assert sig.describe() == "stopped by SIGINT"


STORM = """
import logging, os, signal, sys, threading, time
from gesturectl.cli.run import PrivateLogHandler, StopSignals
logging.getLogger().addHandler(PrivateLogHandler(sys.argv[1], maxBytes=10**8, backupCount=1, encoding="utf-8"))
logging.getLogger().setLevel(logging.INFO)
holder = {}
def fresh():
    holder["s"] = s = StopSignals()
    s.install()
    s.stop_with(fresh)  # each signal meets a handler that has seen none yet
fresh()
def storm():
    for _ in range(400):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.001)
t = threading.Thread(target=storm, daemon=True)
t.start()
while t.is_alive():
    logging.getLogger("busy").info("a line long enough to be written in pieces " * 20)
"""


def test_stop_signals_during_log_writes_never_break_the_log(tmp_path):
    """Ctrl+C while the main thread writes a log line: once printed '--- Logging error ---' and a traceback
    (a reentrant write to the log file from the signal handler)."""
    p = subprocess.run([sys.executable, "-c", STORM, str(tmp_path / "log")], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and "Logging error" not in p.stderr and "Traceback" not in p.stderr, p.stderr[-2000:]
