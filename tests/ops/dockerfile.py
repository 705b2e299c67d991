"""Run a Dockerfile's stages outside a container (no container engine on CI machines).

Each stage gets a directory standing for its filesystem root; absolute paths in instructions are
mapped into it. The Python image's interpreter is a fresh virtual environment first on PATH.
What needs root and a Debian image (apt-get, useradd, chown) is not run: ``SYSTEM_COMMANDS`` lists
it, and the caller checks those tools exist here instead. The rest runs as written.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SYSTEM_COMMANDS = ("apt-get ", "rm -rf /var/lib/apt/lists", "useradd ", "chown ")


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def args(self, op: str) -> list[str]:
        return [a for o, a in self.instructions if o == op]


def parse(text: str) -> list[Stage]:
    """FROM … AS name, then its instructions; continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: list[Stage] = []
    for line in logical:
        op, _, args = line.partition(" ")
        if op.upper() == "FROM":
            m = re.match(r"(\S+)(?:\s+AS\s+(\S+))?", args, re.IGNORECASE)
            assert m, line
            stages.append(Stage(name=m.group(2) or str(len(stages)), base=m.group(1)))
        else:
            stages[-1].instructions.append((op.upper(), args.strip()))
    return stages


def env_pairs(args: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in shlex.split(args))


def command_words(args: str) -> list[str]:
    """CMD/ENTRYPOINT in exec (JSON) or shell form."""
    return list(json.loads(args)) if args.startswith("[") else ["sh", "-c", args]


def dockerignore(context: Path) -> Callable[[str, list[str]], set[str]]:
    patterns = []
    ignore_file = context / ".dockerignore"
    if ignore_file.exists():
        for line in ignore_file.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                patterns.append(line.rstrip("/"))

    def ignored(directory: str, names: list[str]) -> set[str]:
        out = set()
        for name in names:
            rel = os.path.relpath(os.path.join(directory, name), context)
            for p in patterns:
                if fnmatch.fnmatch(rel, p) or (p.startswith("**/") and fnmatch.fnmatch(name, p[3:])):
                    out.add(name)
        return out

    return ignored


class StageRunner:
    """Runs one stage's instructions in ``root`` (its filesystem), with ``path`` first on PATH."""

    def __init__(
        self, stage: Stage, root: Path, context: Path, *, path: list[Path], log: Path, unset: tuple[str, ...] = ()
    ) -> None:
        self.stage, self.root, self.context, self.log, self.unset = stage, root, context, log, unset
        self.workdir = root
        self.env: dict[str, str] = {
            "PATH": os.pathsep.join([*map(str, path), os.environ.get("PATH", "")]),
            "HOME": os.environ.get("HOME", "/root"),
            "LANG": "C.UTF-8",
        }
        self.skipped: list[str] = []
        self.cmd: list[str] = []
        self.healthcheck: list[str] = []
        root.mkdir(parents=True, exist_ok=True)

    def mapped(self, text: str) -> str:
        """Absolute paths of the image, as paths under this stage's root (also inside sqlite:////x URLs)."""
        return re.sub(r"(?<![\w.])/(app|data|src|backups)\b", lambda m: f"{self.root}/{m.group(1)}", text)

    def local(self, path: str) -> Path:
        return Path(self.mapped(path)) if path.startswith("/") else self.workdir / path

    def run(self, *, stages: dict[str, StageRunner], wait_for: Callable[[str], None]) -> None:
        for op, args in self.stage.instructions:
            if op == "WORKDIR":
                self.workdir = self.local(args)
                self.workdir.mkdir(parents=True, exist_ok=True)
            elif op == "ENV":
                self.env.update({k: self.mapped(v) for k, v in env_pairs(args).items() if k not in self.unset})
            elif op == "COPY":
                self.copy(args, stages, wait_for)
            elif op == "RUN":
                self.run_shell(args)
            elif op == "CMD":
                self.cmd = command_words(args)
            elif op == "HEALTHCHECK":
                self.healthcheck = command_words(args.split(" CMD ", 1)[1])
            # USER, EXPOSE, VOLUME and LABEL change nothing outside a container.

    def copy(self, args: str, stages: dict[str, StageRunner], wait_for: Callable[[str], None]) -> None:
        words = shlex.split(args)
        source_stage = next((w.split("=", 1)[1] for w in words if w.startswith("--from=")), None)
        words = [w for w in words if not w.startswith("--")]
        *sources, dest = words
        if source_stage:
            wait_for(source_stage)
            other = stages[source_stage]
            paths = [other.local(s) for s in sources]
        else:
            paths = [self.context / s for s in sources]
        target = self.local(dest)
        for src in paths:
            assert src.exists(), f"COPY {args}: {src} is missing"
            if src.is_dir():
                shutil.copytree(
                    src, target, dirs_exist_ok=True, ignore=None if source_stage else dockerignore(self.context)
                )
            else:
                into = target / src.name if dest.endswith("/") or target.is_dir() else target
                into.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, into)

    def run_shell(self, args: str) -> None:
        parts = [p.strip() for p in args.split("&&")]
        kept = []
        for part in parts:
            if part.startswith(SYSTEM_COMMANDS):
                self.skipped.append(part)
            else:
                kept.append(self.mapped(part))
        if not kept:
            return
        with self.log.open("a") as out:
            out.write(f"\n$ [{self.stage.name}] {' && '.join(kept)}\n")
            out.flush()
            proc = subprocess.run(
                ["sh", "-c", " && ".join(kept)], cwd=self.workdir, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        if proc.returncode != 0:
            raise AssertionError(
                f"RUN {args} failed ({proc.returncode}); see {self.log}:\n{self.log.read_text()[-4000:]}"
            )
