"""The mock exam: a fixed total on every seed, the time limit (a fake clock, no sleeping),
resuming after an interruption, and the exam history in ``progress``."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def paper(cli, seed: int) -> list[dict]:
    res = cli("quiz", "--exam", "--seed", str(seed), "--json")
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)["questions"]


def _value(answer) -> str:
    if isinstance(answer, list) and answer and isinstance(answer[0], list):
        return "; ".join(",".join(map(repr, row)) for row in answer)
    if isinstance(answer, list):
        return ",".join(map(repr, answer))
    return repr(answer)


def answers(questions: list[dict], right: bool = True) -> list[str]:
    """One entry per question (an essay's: its answer lines, the empty line, the ticks)."""
    out = []
    for q in questions:
        if q["kind"] == "mcq":
            out.append(q["answer"] if right else next(c for c in "ABCD" if c != q["answer"]))
        elif q["kind"] == "calc":  # one line per part (a), (b), ...
            lines = [_value(p["answer"]) if right else "-12345" for p in q["parts"]]
            out.append("\n".join(lines))
        else:
            out.append("An answer\nover two lines\n\n" + ("all" if right else "1"))
    return out


def feed(entries: list[str]) -> str:
    return "".join(e + "\n" for e in entries)


def test_five_seeds_give_the_same_total(cli):
    for seed in range(1, 6):
        questions = paper(cli, seed)
        assert [q["kind"] for q in questions] == ["mcq"] * 8 + ["calc"] * 2 + ["essay"] * 4
        assert [q["marks"] for q in questions] == [2] * 8 + [12] * 2 + [15] * 4
        assert sum(q["marks"] for q in questions) == 100
        res = cli(
            "quiz", "--exam", "--seed", str(seed), "--no-save", input=feed(answers(questions))
        )
        assert res.exit_code == 0, res.stderr
        out = res.stdout
        assert out.rstrip().endswith("score: 100/100"), (seed, out[-600:])
        assert "sections: choice 16/16, calculation 24/24, essay 60/60" in out


def test_printed_exam_shows_the_blueprint_marks(cli):
    res = cli("quiz", "--exam", "--print", "--seed", "4")
    assert "14 questions, 100 marks, 120 minutes" in res.stdout
    assert res.stdout.count("(2 marks)") == 8 and res.stdout.count("(15 marks)") == 4


def test_partial_essay_is_scaled_to_its_share(cli):
    questions = paper(cli, 1)
    essay = questions[10]
    first = essay["marking_points"][0]["marks"]
    res = cli("quiz", "--exam", "--seed", "1", "--no-save", input=feed(answers(questions, False)))
    share = round(first * 15 / essay["question_marks"], 2)
    assert f"partial marks: {first:g}/{essay['question_marks']}" in res.stdout
    assert f"counts {share:g}/15 in the exam" in res.stdout


def test_time_limit_stops_the_exam_and_scores_the_rest_0(cli):
    questions = paper(cli, 2)
    # fake clock: 0 s, then 60 s more at every reading; an mcq takes 3 readings (time left,
    # after the answer, saving the clock), so with 10 minutes the 4th question is never asked
    env = {"DLCALC_CLOCK": "0+60"}
    res = cli(
        "quiz", "--exam", "--seed", "2", "--minutes", "10", input=feed(answers(questions)), env=env
    )
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    assert "10 minutes" in out and "Question 3/14" in out and "Question 4/14" not in out
    assert "Time is up after 3 of 14 questions: 11 unanswered questions score 0." in out
    assert "time: 10 of 10 minutes" in out
    assert out.rstrip().endswith("score: 6/100")
    assert "sections: choice 6/16, calculation 0/24, essay 0/60" in out
    msg = cli.error("quiz", "--resume", flag="--resume")  # time up: the exam is over
    assert "is finished, score 6/100" in msg


def test_an_answer_given_after_the_time_is_up_is_not_marked(cli):
    questions = paper(cli, 2)
    env = {"DLCALC_CLOCK": "0+50"}  # the 1st answer arrives at 100 s of a 60 s exam
    res = cli(
        "quiz", "--exam", "--seed", "2", "--minutes", "1", input=feed(answers(questions)), env=env
    )
    assert "Time is up before this answer was finished: it is not marked." in res.stdout
    assert "Time is up after 0 of 14 questions: 14 unanswered" in res.stdout
    assert res.stdout.rstrip().endswith("score: 0/100")


def test_minutes_only_with_exam(cli):
    cli.error("quiz", "--minutes", "5", flag="--minutes")
    cli.error("quiz", "--resume", "--seed", "3", flag="--resume")


def test_resume_after_end_of_input_continues_with_answers_and_clock(cli, home):
    questions = paper(cli, 3)
    entries = answers(questions)
    entries[1] = "D" if questions[1]["answer"] != "D" else "C"  # one wrong: 98 in all
    env = {"DLCALC_CLOCK": "1000+30"}  # 5 answers x 3 readings + the 6th shown, then EOF
    first = cli("quiz", "--exam", "--seed", "3", input=feed(entries[:5]), env=env)
    assert first.exit_code == 0, first.stderr
    assert "Stopped after 5 of 14 questions." in first.stdout
    assert first.stdout.rstrip().endswith("'dlcalc quiz --resume' continues it (111:30 left).")
    report = cli("progress").stdout
    assert "open (5/14; quiz --resume)" in report
    second = cli("quiz", "--resume", input=feed(entries[5:]), env=env)
    assert second.exit_code == 0, second.stderr
    out = second.stdout
    assert "resuming the exam started" in out and "Resuming at question 6/14; 111:30 left." in out
    assert "Question 5/14" not in out and "Question 6/14" in out
    assert out.rstrip().endswith("score: 98/100")
    assert "sections: choice 14/16, calculation 24/24, essay 60/60" in out
    assert cli("quiz", "--resume").exit_code == 2  # finished now
    con = sqlite3.connect(home / "progress.db")
    assert con.execute("SELECT count(*) FROM attempts WHERE mode = 'exam'").fetchone() == (14,)
    con.close()


def test_ctrl_c_mid_exam_then_resume(cli, monkeypatch):
    from dlcalc.quiz import session

    questions = paper(cli, 4)
    calls = {"n": 0}
    real_ask = session.PipeIO.ask

    def ask(self, label, item=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real_ask(self, label, item)

    monkeypatch.setattr(session.PipeIO, "ask", ask)
    res = cli("quiz", "--exam", "--seed", "4", input=feed(answers(questions)))
    assert res.exit_code == 130
    assert "The exam is saved" in res.stdout
    assert "\nAnswers\n" not in res.stdout  # a paper left to resume keeps its answers
    monkeypatch.setattr(session.PipeIO, "ask", real_ask)
    res = cli("quiz", "--resume", input=feed(answers(questions)[2:]))
    assert "Resuming at question 3/14" in res.stdout
    assert res.stdout.rstrip().endswith("score: 100/100")


def _read_until(proc: subprocess.Popen, text: str, timeout: float = 60) -> str:
    out, deadline = "", time.monotonic() + timeout
    fd = proc.stdout.fileno()
    while text not in out:
        left = deadline - time.monotonic()
        assert left > 0, out[-500:]
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536).decode()
            assert chunk, out[-500:]
            out += chunk
    return out


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_process_mid_exam_resumes(cli, home):
    questions = paper(cli, 5)
    entries = answers(questions)
    env = dict(os.environ, DLCALC_HOME=str(home), PYTHONPATH=str(ROOT))
    argv = [sys.executable, "-m", "dlcalc", "quiz", "--exam", "--seed", "5"]
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        proc.stdin.write(feed(entries[:4]).encode())
        proc.stdin.flush()
        _read_until(proc, "Question 5/14")  # 4 answers acknowledged: on disk
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdin.close()
        proc.stdout.close()
    res = cli("quiz", "--resume", input=feed(entries[4:]))
    assert "Resuming at question 5/14" in res.stdout
    assert res.stdout.rstrip().endswith("score: 100/100")


def test_progress_shows_exam_history_per_section(cli):
    questions = paper(cli, 1)
    entries = answers(questions)
    entries[8] = "\n".join(["-12345"] * len(questions[8]["parts"]))  # one calculation wrong
    cli("quiz", "--exam", "--seed", "1", input=feed(entries))
    cli("quiz", "--exam", "--seed", "2", input=feed(answers(paper(cli, 2))[:3]))
    data = json.loads(cli("progress", "--json").stdout)
    newest, oldest = data["exams"]
    assert (newest["seed"], newest["status"], newest["answered"]) == (2, "open", 3)
    assert (oldest["seed"], oldest["status"], oldest["score"], oldest["max"]) == (
        1,
        "finished",
        88,
        100,
    )
    assert oldest["sections"] == {
        "choice": {"score": 16, "max": 16},
        "calculation": {"score": 12, "max": 24},
        "essay": {"score": 60, "max": 60},
    }
    text = cli("progress").stdout
    assert "mock exams (newest first):" in text
    line = next(ln for ln in text.splitlines() if re.search(r"\s1\s+88/100", ln))
    assert line.split()[4:7] == ["16/16", "12/24", "60/60"] and "finished" in line
