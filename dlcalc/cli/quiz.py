"""Practice commands: quiz, bank (validate, stats), progress, review, export (anki, markdown,
moodle, gift).

Start-up matters (``dlcalc --help`` builds this module): only typer here; the quiz
machinery, sqlite3, fsrs, genanki and tomllib are imported inside the command bodies.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

PANEL = "Practice and tools"

TopicOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--topic",
        "-t",
        metavar="TOPIC",
        help="Only this topic (repeatable, or comma-separated): intro, unsupervised, mlp, "
        "optimization, cnn, architectures, rnn, applications, generative, rl.",
    ),
]
KindOpt = Annotated[
    list[str] | None,
    typer.Option("--kind", "-k", metavar="mcq|calc|essay", help="Only this kind (repeatable)."),
]
BankOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--bank", metavar="DIR", help="Add your own bank (directory or .toml; repeatable)."
    ),
]
NoBundledOpt = Annotated[
    bool, typer.Option("--no-bundled", help="Use only the --bank banks, not the bundled one.")
]


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for raw in values or [] for v in raw.split(",") if v.strip()]


def _filters(topic: list[str] | None, kind: list[str] | None) -> tuple[list[str], list[str]]:
    from dlcalc.ops import TOPICS
    from dlcalc.quiz.bank import KINDS

    topics, kinds = _split(topic), _split(kind)
    for t in topics:
        if t not in TOPICS:
            raise _unknown("--topic", "topic", t, TOPICS)
    for k in kinds:
        if k not in KINDS:
            raise _unknown("--kind", "kind", k, KINDS)
    return topics, kinds


def _unknown(option: str, what: str, value: str, known: Any) -> Exception:
    """``--topic: unknown topic 'cnnn' (did you mean cnn?)``, else the list of known ones."""
    from dlcalc.errors import InputError, suggest

    hint = suggest(value, known) or f" (expected one of {', '.join(known)})"
    return InputError(f"{option}: unknown {what} {value!r}{hint}")


def _bank(bank: list[str] | None, no_bundled: bool) -> Any:
    from dlcalc.errors import InputError
    from dlcalc.quiz.loading import load_bank

    if no_bundled and not bank:
        raise InputError("--no-bundled: give at least one --bank DIR")
    return load_bank(bank or [], bundled=not no_bundled)


def _io() -> Any:
    from dlcalc.cli.env import current
    from dlcalc.quiz.session import PipeIO

    env = current()
    if env.interactive:
        from dlcalc.cli.quiz_io import RichIO

        return RichIO(env.console())
    return PipeIO()


def _recorder(save: bool, mode: str) -> tuple[Any, Any]:
    """(store, recorder) or (None, None) when not saving."""
    if not save:
        return None, None
    import uuid

    from dlcalc.quiz.review import Recorder
    from dlcalc.store import Store

    store = Store()
    return store, Recorder(store, mode=mode, session=uuid.uuid4().hex[:12])


def _dump(data: Any) -> None:
    import json

    typer.echo(json.dumps(data, indent=2, allow_nan=False))


def quiz(
    topic: TopicOpt = None,
    kind: KindOpt = None,
    count: Annotated[
        int, typer.Option("-n", "--count", min=1, max=500, metavar="N", help="Number of questions.")
    ] = 10,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", metavar="S", help="Same seed, same quiz (questions, numbers, order)."
        ),
    ] = None,
    exam: Annotated[
        bool,
        typer.Option(
            "--exam",
            help="A mock exam: 8 mcq x 2 + 2 calc x 12 + 4 essay x 15 = 100 marks, timed.",
        ),
    ] = False,
    minutes: Annotated[
        int | None,
        typer.Option(
            "--minutes",
            min=1,
            max=1000,
            metavar="M",
            help="With --exam: the time limit; questions stop when it is up [default: 120].",
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Continue the last exam after an interruption."),
    ] = False,
    print_: Annotated[
        bool, typer.Option("--print", help="Write a printable Markdown quiz instead of asking.")
    ] = False,
    with_answers: Annotated[
        bool, typer.Option("--with-answers", help="With --print: add the answer key (new page).")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the questions with their answers as JSON.")
    ] = False,
    feedback: Annotated[
        str | None,
        typer.Option(
            "--feedback",
            metavar="now|end",
            help="Mark each answer at once or all at the end [default: now; end with --exam].",
        ),
    ] = None,
    syllabus: Annotated[
        bool,
        typer.Option(
            "--syllabus", help="Only questions within the slides (skip beyond_slides ones)."
        ),
    ] = False,
    bank: BankOpt = None,
    no_bundled: NoBundledOpt = False,
    no_save: Annotated[
        bool, typer.Option("--no-save", help="Do not store the answers in the progress database.")
    ] = False,
) -> None:
    """Practice quiz: multiple choice, calculations, essays.

    Calculations are checked by the engine (relative tolerance) with the working shown on a
    wrong answer. An essay is typed over several lines (an empty line or Ctrl-D ends it),
    then you tick the marking points you made (1,3 / all / none): their marks are the score.
    Answers are read from a terminal, or one per line from a pipe; the score ends the
    output as X/N. An --exam is 100 marks on every seed (each question scaled to its
    section: choice 2, calculation 12, essay 15), stops when --minutes run out (unanswered
    questions score 0) and is saved after every answer: --resume continues it.
    """
    import random

    from dlcalc.errors import InputError
    from dlcalc.quiz.generate import EXAM_MINUTES, build_quiz, item_dict, pick

    if resume:
        if (
            exam
            or print_
            or as_json
            or seed is not None
            or minutes is not None
            or no_save
            or syllabus
        ):
            raise InputError("--resume: continues the last exam as it was; give no other options")
        _resume()
        return
    if minutes is not None and not exam:
        raise InputError("--minutes: only with --exam")
    topics, kinds = _filters(topic, kind)
    if feedback is not None and feedback not in ("now", "end"):
        raise InputError(f"--feedback: expected now or end, got {feedback!r}")
    if print_ and as_json:
        raise InputError("--print: choose one of --print and --json")
    if with_answers and not print_:
        raise InputError("--with-answers: only with --print")
    if exam and kinds:
        raise InputError("--kind: --exam always has 8 mcq, 2 calc and 4 essay questions")
    if seed is None:
        seed = random.SystemRandom().randrange(1, 1_000_000)
    questions = pick(
        _bank(bank, no_bundled),
        topics=topics,
        kinds=kinds,
        n=count,
        seed=seed,
        exam=exam,
        syllabus=syllabus,
    )
    items = build_quiz(questions, seed, exam=exam)
    if as_json:
        _dump({"seed": seed, "exam": exam, "questions": [item_dict(it) for it in items]})
        return
    title = "COMP5329 practice exam" if exam else "COMP5329 practice quiz"
    if print_:
        from dlcalc.quiz.export import quiz_markdown

        text = quiz_markdown(
            items,
            title=title,
            seed=seed,
            with_answers=with_answers,
            minutes=(minutes or EXAM_MINUTES) if exam else None,
        )
        typer.echo(text, nl=False)
        return
    from dlcalc.quiz.session import run_quiz

    io = _io()
    store, record = _recorder(not no_save, "exam" if exam else "quiz")
    feedback = feedback or ("end" if exam else "now")
    try:
        io.say(f"seed {seed} (--seed {seed} repeats this quiz)")
        if exam and store is not None:
            import json
            from pathlib import Path

            from dlcalc.quiz.exam import paper_data

            paper = paper_data(
                items,
                banks=[str(Path(b).resolve()) for b in bank or []],
                no_bundled=no_bundled,
                topics=topics,
                feedback=feedback,
            )
            store.exam_open(
                session=record.session,
                seed=seed,
                minutes=minutes or EXAM_MINUTES,
                paper=json.dumps(paper),
            )
            summary = _sit(store, record, items, io, minutes or EXAM_MINUTES, feedback)
        else:
            summary = run_quiz(
                items,
                io,
                feedback=feedback,
                exam=exam,
                minutes=minutes or EXAM_MINUTES,
                title="Quiz",
                record=record,
            )
    finally:
        if store is not None:
            store.close()
    if summary.interrupted:
        raise typer.Exit(130)


def _sit(
    store: Any,
    record: Any,
    items: list[Any],
    io: Any,
    minutes: float,
    feedback: str,
    done: Any = (),
    used: float = 0.0,
) -> Any:
    """One sitting of a saved exam: the clock saved after every answer, the result at the end."""
    import json

    from dlcalc.quiz.exam import left_text, result_data
    from dlcalc.quiz.session import run_quiz
    from dlcalc.store import StoreError

    def save(status: str | None = None, result: str | None = None, *, spent: float) -> None:
        try:
            store.exam_update(record.session, used=spent, status=status, result=result)
        except StoreError:
            pass  # the recorder has said the store failed; the exam goes on unsaved

    summary = run_quiz(
        items,
        io,
        feedback=feedback,
        exam=True,
        minutes=minutes,
        record=record,
        done=list(done),
        used=used,
        save_clock=lambda spent: save(spent=spent),
    )
    if summary.finished:
        save("finished", json.dumps(result_data(summary)), spent=summary.elapsed)
    else:
        save(spent=summary.elapsed)
        left = left_text(minutes * 60 - summary.elapsed)
        io.say(f"The exam is saved: 'dlcalc quiz --resume' continues it ({left} left).")
    return summary


def _resume() -> None:
    """``quiz --resume``: the last exam again, from its first unanswered question."""
    import json

    from dlcalc.errors import InputError
    from dlcalc.quiz.exam import replay
    from dlcalc.quiz.generate import build_quiz
    from dlcalc.quiz.review import Recorder
    from dlcalc.store import Store

    with Store() as store:
        exams = store.exams()
        if not exams:
            raise InputError("--resume: no exam to resume; start one with 'dlcalc quiz --exam'")
        row = exams[-1]
        when = row["started_at"][:16].replace("T", " ")
        if row["status"] != "open":
            result = json.loads(row["result"] or "{}")
            score = f"{result.get('score', 0):g}/{result.get('max', 0):g}"
            raise InputError(
                f"--resume: the last exam (seed {row['seed']}, started {when} UTC) is finished,"
                f" score {score}; start a new one with 'dlcalc quiz --exam'"
            )
        paper = json.loads(row["paper"])
        by_id = _bank(paper["banks"] or None, paper["no_bundled"]).by_id()
        missing = [qid for qid in paper["ids"] if qid not in by_id]
        if missing:
            raise InputError(f"--resume: question {missing[0]} is no longer in the bank")
        items = build_quiz([by_id[qid] for qid in paper["ids"]], row["seed"], exam=True)
        attempts = [a for a in store.attempts() if a["session"] == row["session"]]
        attempts.sort(key=lambda a: a["id"])
        done = replay(items, attempts)
        record = Recorder(store, mode="exam", session=row["session"])
        io = _io()
        io.say(f"seed {row['seed']}: resuming the exam started {when} UTC")
        summary = _sit(
            store, record, items, io, row["minutes"], paper["feedback"], done, row["used"]
        )
    if summary.interrupted:
        raise typer.Exit(130)


def review(
    count: Annotated[
        int,
        typer.Option(
            "-n", "--count", min=1, max=500, metavar="N", help="At most this many questions."
        ),
    ] = 20,
    new: Annotated[
        int,
        typer.Option(
            "--new", min=0, max=500, metavar="N", help="At most this many never-seen questions."
        ),
    ] = 5,
    topic: TopicOpt = None,
    kind: KindOpt = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", metavar="S", help="Seed for calc numbers and new-question order."),
    ] = None,
    bank: BankOpt = None,
    no_bundled: NoBundledOpt = False,
) -> None:
    """Spaced review (FSRS): due questions first, then new ones."""
    import random

    from dlcalc.quiz.generate import build_quiz
    from dlcalc.quiz.review import choose, next_due
    from dlcalc.quiz.session import run_quiz

    topics, kinds = _filters(topic, kind)
    pool = _bank(bank, no_bundled).select(topics, kinds)
    store, record = _recorder(True, "review")
    try:
        rng_seed = seed if seed is not None else random.SystemRandom().randrange(1, 1_000_000)
        chosen, due = choose(pool, record.cards, limit=count, new=new, seed=rng_seed)
        io = _io()
        if not chosen:
            when = next_due(record.cards, {q.id for q in pool})
            later = f"; next one due {when:%Y-%m-%d %H:%M} UTC" if when else ""
            io.say(f"Nothing to review now{later}.")
            return
        items = build_quiz(chosen, rng_seed)
        io.say(f"{due} due, {len(chosen) - due} new.")
        summary = run_quiz(items, io, title="Review", record=record)
        when = next_due(record.cards, {q.id for q in pool})
        if when is not None:
            io.say(f"next review due {when:%Y-%m-%d %H:%M} UTC")
    finally:
        store.close()
    if summary.interrupted:
        raise typer.Exit(130)


def progress(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Attempts, accuracy and trend per topic; weakest topics; mock exams by section."""
    from dlcalc.ops import TOPICS
    from dlcalc.quiz.progress import exam_history, exams_text, report_text, summarise
    from dlcalc.quiz.review import choose
    from dlcalc.store import Store

    with Store() as store:
        attempts = store.attempts()
        data = summarise(attempts, TOPICS)
        cards = store.cards()
        exams = store.exams()
    try:
        from dlcalc.quiz.bank import bundled_bank_dir, load_paths

        questions = [q for q in load_paths([bundled_bank_dir()]).questions if q.id in cards]
        data["due"] = choose(questions, cards, limit=10**6, new=0)[1]
    except Exception:  # the report does not depend on the bank being readable
        data["due"] = None
    data["exams"] = exam_history(exams, attempts)
    if as_json:
        _dump(data)
    else:
        typer.echo(report_text(data))
        typer.echo()
        typer.echo(exams_text(data["exams"]))


# ---------------------------------------------------------------------- bank


def bank_validate(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH]...", help="Bank files or directories [default: the bundled bank]."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as JSON.")] = False,
) -> None:
    """Check bank files; exit 1 on any problem.

    Unique ids, required fields, one correct choice of 4-5, 3-6 marking points whose
    weights ({text, marks}, or a default split) sum to the essay's marks, every
    placeholder filled, calc ops that exist and give finite answers, require satisfiable.
    Fair choices: in at most 30% of the worded mcqs (a choice of 25+ characters) is the
    key the strictly longest choice, no key is 1.5x its longest distractor or more, and
    no explanation names a choice by position ("option A", "the second choice").
    """
    from pathlib import Path

    from dlcalc.errors import InputError
    from dlcalc.quiz.bank import bundled_bank_dir
    from dlcalc.quiz.validate import validate_paths

    targets = [Path(p) for p in paths] if paths else [bundled_bank_dir()]
    for p in targets:
        if not p.exists():
            raise InputError(f"PATH: {p}: no such file or directory")
    questions, issues = validate_paths(targets)
    if as_json:
        _dump(
            {"ok": not issues, "questions": len(questions), "issues": [i.to_dict() for i in issues]}
        )
    else:
        for issue in issues:
            typer.echo(str(issue))
        if issues:
            typer.echo(
                f"{len(issues)} problem{'s' * (len(issues) != 1)} in {len(questions)} questions"
            )
        else:
            typer.echo(f"ok: {len(questions)} questions")
    if issues:
        raise typer.Exit(1)


def bank_stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
    bank: BankOpt = None,
    no_bundled: NoBundledOpt = False,
) -> None:
    """Count the bank's questions per topic and kind.

    Also the choices' length cues over the worded mcqs: how often the key is the strictly
    longest choice, how many keys are 1.5x their longest distractor, the keys' length ranks;
    and how many questions go beyond the slides (``beyond_slides``, skipped by --syllabus).
    """
    from dlcalc.quiz.stats import stats, stats_text

    data = stats(_bank(bank, no_bundled))
    if as_json:
        _dump(data)
    else:
        typer.echo(stats_text(data))


# ---------------------------------------------------------------------- export

EXPORT_SEED = 5329  # fixed default: an export is reproducible unless asked otherwise
ExportSeedOpt = Annotated[
    int,
    typer.Option(
        "--seed",
        metavar="S",
        help="Shuffle each question's choices (and draw calc parameters) with this seed.",
    ),
]


VariantsOpt = Annotated[
    int,
    typer.Option(
        "--variants",
        metavar="N",
        min=1,
        max=100,
        help="Drawn variants per calc template (same --seed, same variants in every format).",
    ),
]


OneVariantOpt = Annotated[
    int,
    typer.Option(
        "--variants", metavar="N", min=1, max=100,
        help="Drawn variants per calc template.",
    ),
]  # fmt: skip


def export_anki(
    out: Annotated[
        str, typer.Option("--out", "-o", metavar="FILE.apkg", help="Deck file to write.")
    ],
    topic: TopicOpt = None,
    kind: KindOpt = None,
    bank: BankOpt = None,
    no_bundled: NoBundledOpt = False,
    seed: ExportSeedOpt = EXPORT_SEED,
    variants: OneVariantOpt = 1,
) -> None:
    """Write an Anki deck (.apkg): one note per question, a sub-deck per topic.

    Choices are shuffled per question with --seed (the same seed, the same deck).
    """
    from pathlib import Path

    from dlcalc.quiz.export import anki_package

    topics, kinds = _filters(topic, kind)
    questions = _bank(bank, no_bundled).select(topics, kinds)
    n = anki_package(questions, Path(out), seed=seed, variants=variants)
    typer.echo(f"wrote {n} notes to {out}")


def export_markdown(
    out: Annotated[
        str | None,
        typer.Option("--out", "-o", metavar="FILE.md", help="Write here [default: stdout]."),
    ] = None,
    topic: TopicOpt = None,
    kind: KindOpt = None,
    bank: BankOpt = None,
    no_bundled: NoBundledOpt = False,
    seed: ExportSeedOpt = EXPORT_SEED,
    variants: OneVariantOpt = 1,
) -> None:
    """Write the bank as a Markdown study sheet, answers under each question.

    Choices are shuffled per question with --seed (the same seed, the same sheet).
    """
    from pathlib import Path

    from dlcalc.quiz.export import bank_markdown, write_text_out

    topics, kinds = _filters(topic, kind)
    text = bank_markdown(
        _bank(bank, no_bundled).select(topics, kinds), seed=seed, variants=variants
    )
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_text_out(Path(out), text)
        typer.echo(f"wrote {out}")


def _lms_export(
    fmt: str,
    out: str | None,
    topic: list[str] | None,
    kind: list[str] | None,
    bank: list[str] | None,
    no_bundled: bool,
    variants: int,
    seed: int,
) -> None:
    from pathlib import Path

    from dlcalc.quiz.export import write_text_out

    topics, kinds = _filters(topic, kind)
    questions = _bank(bank, no_bundled).select(topics, kinds)
    if fmt == "moodle":
        from dlcalc.quiz.moodle import moodle_xml as write
    else:
        from dlcalc.quiz.gift import gift as write
    text = write(questions, variants=variants, seed=seed)
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_text_out(Path(out), text)
        typer.echo(f"wrote {len(questions)} bank questions to {out}", err=True)


def export_moodle(
    out: Annotated[
        str | None,
        typer.Option("--out", "-o", metavar="FILE.xml", help="Write here [default: stdout]."),
    ] = None,
    topic: TopicOpt = None,
    kind: KindOpt = None,
    bank: BankOpt = None,
    no_bundled: NoBundledOpt = False,
    variants: VariantsOpt = 10,
    seed: ExportSeedOpt = EXPORT_SEED,
) -> None:
    """Write the bank as Moodle XML for a Moodle question bank, a category per topic.

    Categories: $course$/COMP5329/TOPIC.

    mcq -> multichoice (explanation as general feedback); essay -> essay (marking points
    and model answer as grader information); each calc template -> --variants drawn
    questions: numerical (key from the engine, answers to 4 significant figures: tolerance
    half a unit of the 4th figure, 0 for whole numbers), with a 0% answer and feedback for
    each named misconception that changes the key; several numbers -> cloze.
    """
    _lms_export("moodle", out, topic, kind, bank, no_bundled, variants, seed)


def export_gift(
    out: Annotated[
        str | None,
        typer.Option("--out", "-o", metavar="FILE.gift", help="Write here [default: stdout]."),
    ] = None,
    topic: TopicOpt = None,
    kind: KindOpt = None,
    bank: BankOpt = None,
    no_bundled: NoBundledOpt = False,
    variants: VariantsOpt = 10,
    seed: ExportSeedOpt = EXPORT_SEED,
) -> None:
    """Write the bank in Moodle's GIFT format: the questions of export moodle.

    GIFT has no cloze: a calc variant asking several numbers gives one numerical
    question per number. Essays' marking points are // comments.
    """
    _lms_export("gift", out, topic, kind, bank, no_bundled, variants, seed)


def _group(app: Any, name: str, help: str, commands: dict[str, Any]) -> None:
    """Add a two-word command group (``dlcalc bank validate``) to ``app``."""
    group = typer.Typer(
        name=name,
        help=help,
        no_args_is_help=True,
        rich_markup_mode=None,
        add_completion=False,
        context_settings=_SETTINGS,
    )
    for sub, fn in commands.items():
        group.command(sub)(fn)
    app.add_typer(group, name=name, rich_help_panel=PANEL)


_SETTINGS = {"help_option_names": ["-h", "--help"]}


def register(app: Any) -> None:
    """Add quiz, bank, progress, review and export to the dlcalc app."""
    from dlcalc.cli.helptext import EXAMPLES, examples

    for name, fn in (("quiz", quiz), ("progress", progress), ("review", review)):
        epilog = examples(name) if name in EXAMPLES else None
        app.command(name, rich_help_panel=PANEL, context_settings=_SETTINGS, epilog=epilog)(fn)
    _group(
        app,
        "bank",
        "Check and count the question bank.",
        {"validate": bank_validate, "stats": bank_stats},
    )
    _group(
        app,
        "export",
        "Export the bank: Anki deck, Markdown, Moodle XML or GIFT.",
        {
            "anki": export_anki,
            "markdown": export_markdown,
            "moodle": export_moodle,
            "gift": export_gift,
        },
    )
