"""Where a project's files live: the one owner of every output path and manifest key.

An article's translation files and built article mirror its path below its
*articles folder*: ``inbox/day1/story.txt`` → ``locales/<lang>/day1/story.po``
and ``localized/<lang>/day1/story.txt``. By default every top-level folder of
the project is an articles folder (so ``sample_articles/asean-japan.txt`` →
``locales/vi/asean-japan.po``); ``paths.articles`` in ``transflow.toml`` names
one folder instead (``"."`` mirrors the whole project path). Every path is
computed from the article's resolved path and the project root, so every
command gives the same answer from anywhere in the project.

Nothing else in transflow builds such a path: translate, batch, build, status
and qa all ask this module.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import TransflowError, UsageError
from . import exchange
from .exchange import FORMATS, XLIFF_SUFFIXES, Catalog
from .textio import check_output, is_stdout, relative_path

_TRANSLATION_SUFFIXES = (".po", *XLIFF_SUFFIXES)


@dataclass(frozen=True)
class Project:
    """The project's folders; every path the project writes is derived here."""

    root: Path
    locales: Path
    localized: Path
    state: Path
    articles: Path | None = None  # None: every top-level folder of the project is an articles folder
    config_file: Path | None = None
    memory: Path | str | None = None  # the TM: a file, or a server URL
    glossaries: tuple[Path, ...] = ()

    @classmethod
    def from_config(cls, cfg, locales: Path | None = None) -> Project:
        """The project a Config describes; *locales* overrides where translation files go (``--out-dir``)."""
        return cls(
            root=cfg.root,
            locales=locales or cfg.path(cfg.locales),
            localized=cfg.path(cfg.localized),
            state=cfg.path(cfg.state),
            articles=cfg.path(cfg.articles) if cfg.articles is not None else None,
            config_file=cfg.file,
            memory=cfg.memory,
            glossaries=tuple(cfg.glossaries),
        )

    # --- names -------------------------------------------------------------------------------

    def reference(self, article: Path) -> str:
        """How the project names *article*: its path from the project root (PO ``#:`` lines, reports),
        or its absolute path when it is outside the project."""
        resolved = article.resolve()
        try:
            return resolved.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return resolved.as_posix()

    def manifest_key(self, article: Path, target_lang: str) -> str:
        return f"{self.reference(article)}|{target_lang}"

    def mirrored(self, article: Path) -> PurePosixPath:
        """The article's path below its articles folder, which ``locales/<lang>/`` and ``localized/<lang>/`` mirror."""
        resolved = article.resolve()
        root = self.root.resolve()
        if self.articles is not None:
            base = self.articles.resolve()
            try:
                return PurePosixPath(resolved.relative_to(base).as_posix())
            except ValueError:
                raise UsageError(
                    f"{article}: is outside the articles folder {relative_path(self.articles)} (paths.articles in transflow.toml); "
                    "move the article there or change paths.articles"
                ) from None
        try:
            parts = resolved.relative_to(root).parts
        except ValueError:
            return PurePosixPath(resolved.name)  # outside the project: its name alone
        return PurePosixPath(*parts[1:]) if len(parts) > 1 else PurePosixPath(parts[0])

    # --- translation files ------------------------------------------------------------------

    def translation_file(self, article: Path, target_lang: str, fmt: str) -> Path:
        """Where *fmt* (po, xliff, xliff2) translations of *article* into *target_lang* are written."""
        mirrored = self.mirrored(article)
        return self.locales / target_lang / Path(*mirrored.parent.parts) / f"{_fitting_stem(mirrored.stem)}{FORMATS[fmt]}"

    def translation_files(self, article: Path, target_lang: str, formats: Sequence[str]) -> list[Path]:
        return [self.translation_file(article, target_lang, fmt) for fmt in formats]

    def existing_translation(self, article: Path, target_lang: str) -> Path | None:
        """The article's PO or XLIFF file in *target_lang*, if there is one.

        ``--format po,xliff`` keeps both; the reviewer works in one of them. The
        one holding every reviewed translation of the other is used (the PO when
        they agree); when each has reviewed work the other lacks, nobody can tell
        which one is right, and that is an error naming both.
        """
        base = self.translation_file(article, target_lang, "po").with_suffix("")
        found = [base.with_name(base.name + suffix) for suffix in _TRANSLATION_SUFFIXES]
        found = [path for path in found if path.is_file()]
        return _choose(found, article, target_lang) if found else None

    def owned_translation(self, article: Path, target_lang: str) -> Path | None:
        """The article's existing PO or XLIFF file, refused when it holds another article's translations."""
        found = self.existing_translation(article, target_lang)
        if found is not None:
            self.refuse_foreign(found, exchange.read(found)[0], article)
        return found

    def refuse_foreign(self, path: Path, catalog: Catalog, article: Path) -> None:
        """Refuse a translation file found for *article* whose units name another article.

        Two articles whose names collide (``a/story.txt`` and ``b/story.txt``
        with the default articles folders) would otherwise read, merge into or
        build from each other's reviewed work.
        """
        owners = {reference for unit in catalog.units for reference, _ in unit.occurrences}
        reference = self.reference(article)
        if owners and _as_referenced(reference) not in {_as_referenced(owner) for owner in owners}:
            raise TransflowError(
                f"{relative_path(path)}: holds the translations of {min(owners)}, not of {reference}; "
                "rename one of the two articles or set paths.articles in transflow.toml (if the article was moved, move that file too)"
            )

    def translation_to_read(self, article: Path, target_lang: str) -> Path:
        """The file ``build`` reads: the existing PO or XLIFF, or an error naming where it was looked for."""
        found = self.owned_translation(article, target_lang)
        if found is None:
            expected = self.translation_file(article, target_lang, "po")
            raise TransflowError(
                f"{relative_path(expected)}: no such PO (or .xlf) file for {article}; "
                f"run 'transflow translate' first (--to {target_lang}) or give --from FILE"
            )
        return found

    def built_article(self, article: Path, target_lang: str) -> Path:
        """Where ``build`` writes *article* in *target_lang*: same sub-folders and file name."""
        mirrored = self.mirrored(article)
        return self.localized / target_lang / Path(*mirrored.parts)

    # --- project state ------------------------------------------------------------------------

    @property
    def manifest(self) -> Path:
        return self.state / "manifest.sqlite"

    @property
    def mt_cache(self) -> Path:
        return self.state / "mt-cache.sqlite"

    @property
    def watch_state(self) -> Path:
        """What a running ``transflow watch`` is doing, for ``status`` (rewritten atomically)."""
        return self.state / "watch.json"

    # --- discovery and checks -----------------------------------------------------------------

    def languages(self, preferred: Sequence[str] = ()) -> list[str]:
        """The languages *preferred* and every other one that has a folder of translation files under ``locales/``."""
        present = []
        if self.locales.is_dir():
            for folder in sorted(self.locales.iterdir()):
                if folder.is_dir() and folder.name not in preferred and _is_language(folder.name):
                    present.append(folder.name)
        return [*preferred, *present]

    def translations(self, langs: Iterable[str]) -> list[tuple[str, str, Path]]:
        """Every article's translation file under ``locales/``: (name below the language folder, language, path).

        One row per article and language: with both a ``.po`` and an ``.xlf``
        the one ``build`` would read is given, as ``existing_translation`` chooses it.
        """
        found = []
        for lang in langs:
            folder = self.locales / lang
            if not folder.is_dir():
                continue
            names: dict[str, list[Path]] = {}
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.suffix.lower() in _TRANSLATION_SUFFIXES:
                    names.setdefault(path.relative_to(folder).with_suffix("").as_posix(), []).append(path)
            for name, paths in names.items():
                found.append((name, lang, _choose(paths, name, lang)))
        return found

    def refuse_overwrite(self, output: Path, inputs: Iterable[Path] = (), translations_are_inputs: bool = True) -> None:
        """Refuse to write *output* onto one of the run's *inputs* (or into an input folder) or onto project state; nothing is written.

        Project state is the state folder (TM, caches, manifest, lock), the TM
        wherever it is (with SQLite's -wal/-shm/-journal files), the settings file,
        the glossaries, every article transflow has translated (it has a PO or
        XLIFF file) and every PO/XLIFF file under ``locales/``: a reviewer's work.
        A command that writes translation files (``convert``) may write only the
        one beside its input: the same article and language in the other format.
        """
        check_output(output)
        if is_stdout(output):
            return
        reason = self._protected(output, inputs, translations_are_inputs)
        if reason:
            raise UsageError(f"{output}: is {reason}; writing there would destroy it; choose another output path")

    def _protected(self, output: Path, inputs: Iterable[Path], translations_are_inputs: bool) -> str | None:
        if output.is_dir():
            return "a folder"
        for item in inputs:
            if _same(output, item):
                return f"an input of this run ({relative_path(item)})"
            if item.is_dir() and _inside(output, item):
                return f"inside a folder this run reads ({relative_path(item)})"
        if _inside(output, self.state):
            return f"project state (under {relative_path(self.state)}/)"
        if self.config_file is not None and _same(output, self.config_file):
            return "the project settings"
        if self.memory is not None and "://" not in str(self.memory):
            tm = Path(self.memory)
            if any(_same(output, tm.with_name(tm.name + suffix)) for suffix in ("", "-wal", "-shm", "-journal")):
                return "the translation memory"
        if any(_same(output, glossary) for glossary in self.glossaries):
            return "a glossary of the project"
        if _inside(output, self.locales) and output.suffix.lower() in _TRANSLATION_SUFFIXES:
            if translations_are_inputs:
                return "a translation file (a reviewer's work)"
            if not any(_same(output.with_suffix(""), item.with_suffix("")) for item in inputs):
                return "another article's or language's translation file (a reviewer's work)"
        if self._translated_article(output):
            return "an article of the project that has translations"
        return None

    def _translated_article(self, path: Path) -> bool:
        """Whether *path* is an article of the project with a PO or XLIFF file in some language."""
        from .formats import SUFFIXES

        if not path.is_file() or path.suffix.lower() not in SUFFIXES or _inside(path, self.localized) or not self.locales.is_dir():
            return False
        try:
            candidates = [self.translation_file(path, lang.name, fmt) for lang in self.locales.iterdir() for fmt in FORMATS]
        except (UsageError, OSError):
            return False  # outside the articles folder: not an article of this project
        return any(candidate.is_file() for candidate in candidates)

    def refuse_shared_outputs(self, articles: Sequence[Path], target_langs: Sequence[str]) -> dict[Path, str]:
        """Articles that would share a translation file with another one, each with the message naming both."""
        owners: dict[Path, Path] = {}
        refused: dict[Path, str] = {}
        for article in articles:
            for lang in target_langs:
                output = self.translation_file(article, lang, "po").with_suffix("")
                other = owners.setdefault(Path(_nfc(str(output))), article)
                if other != article and not _same(other, article):
                    message = (
                        f"{self.reference(other)} and {self.reference(article)} would share "
                        f"{relative_path(output)}.po/.xlf; rename one of them (or set paths.articles in transflow.toml)"
                    )
                    refused.setdefault(other, message)
                    refused.setdefault(article, message)
        return refused


def _choose(found: list[Path], article, target_lang: str) -> Path:
    """Of an article's PO and XLIFF files, the one holding every reviewed translation of the other (the PO when
    they agree); when each has reviewed work the other lacks, nobody can tell which is right: an error naming both."""
    if len(found) < 2:
        return found[0]
    reviewed = {path: _reviewed(path) for path in found}
    for path in found:
        if all(reviewed[other] <= reviewed[path] for other in found):
            return path
    raise UsageError(
        f"{article}: {' and '.join(relative_path(p) for p in found)} hold different reviewed {target_lang} translations; "
        "keep the file the reviewer worked on and delete the other, or name it with --from"
    )


def _is_language(name: str) -> bool:
    from .languages import check

    try:
        check(name)
    except UsageError:
        return False
    return True


# The longest file name (in bytes) Linux and macOS file systems take, and the longest suffix a translation file gets.
NAME_MAX = 255
_LONGEST_SUFFIX = max(len(suffix.encode()) for suffix in _TRANSLATION_SUFFIXES)


def _fitting_stem(stem: str) -> str:
    """*stem* as a translation file's name: an article named up to the file system's limit would
    overflow it once ``.po``/``.xliff`` replaces its suffix, so a long name is cut at a character
    and marked with a digest of the whole one. Computed from the name alone, so every command finds
    the same file (and the file's ``#:`` references still name the article it belongs to)."""
    if len(stem.encode()) + _LONGEST_SUFFIX <= NAME_MAX:
        return stem
    digest = "~" + hashlib.sha256(stem.encode()).hexdigest()[:10]
    room = NAME_MAX - _LONGEST_SUFFIX - len(digest)
    return stem.encode()[:room].decode("utf-8", "ignore") + digest


def _nfc(name: str) -> str:
    """A name as NFC: macOS writes file names decomposed (NFD), Linux keeps whichever form it is given,
    so two names that differ only in normalisation are one name to a newsroom."""
    return unicodedata.normalize("NFC", name)


def _as_referenced(name: str) -> str:
    """A name as a PO reference may carry it back: in either normalisation, and with its runs of white
    space made one space (gettext before 0.22, which Poedit runs on every save, splits a reference at
    white space and joins the pieces with one space)."""
    return " ".join(_nfc(name).split())


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _reviewed(path: Path) -> set[tuple[str, str]]:
    catalog, _ = exchange.read(path)
    return {(unit.source, unit.target) for unit in catalog.units if unit.reviewed}


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()
