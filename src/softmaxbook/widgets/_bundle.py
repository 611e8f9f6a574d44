"""One ES module from a widget's front-end files, for anywidget's ``_esm``.

Each ``*.js`` beside this file is a real ES module: it imports what it uses
(``import { h, slider } from "./ui.js";``) and exports what others use, so Node's tests
import every file directly. A front-end reaches the browser as one string, though, and
JupyterLab (like the site's host.js) imports that string from a ``blob:`` URL, where
``./ui.js`` resolves to nothing. `bundle` therefore inlines the imported files, each once
and before the files importing it, and drops their ``import`` lines and ``export``
keywords: the result is the widget's module with the same behaviour and one export, its
own ``export default``.

Only what these files use is supported, and anything else is refused rather than guessed:
named imports from a relative path (``import { a, b } from "./x.js";``, no renaming), and
``export`` before a top-level ``function``, ``const``, ``let`` or ``class``. Every imported
name must be exported by its file, and no two inlined files may declare the same top-level
name (they share one scope once inlined).

>>> from pathlib import Path
>>> esm = bundle(Path(__file__).parent / "loss_curve.js")
>>> esm.count("export default"), "import {" in esm
(1, False)
"""

import re
from pathlib import Path

# `import { a, b } from "./x.js";`, possibly over several lines
_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"(\./[\w.-]+\.js)";[ \t]*\n', re.M)
_ANY_IMPORT = re.compile(r"^\s*import\b", re.M)
_EXPORT = re.compile(r"^export\s+(?=(?:async\s+)?function\b|const\b|let\b|class\b)", re.M)
_ANY_EXPORT = re.compile(r"^\s*export\b(?!\s+default\b)", re.M)
_EXPORTED = re.compile(r"^export\s+(?:(?:async\s+)?function\*?|const|let|class)\s+([A-Za-z_$][\w$]*)", re.M)
_TOP_LEVEL = re.compile(r"^(?:export\s+)?(?:(?:async\s+)?function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)", re.M)


def _parse(path):
    """(source without its import lines, [(names, dependency path)], exported names)."""
    text = path.read_text()
    imports = [([n.strip() for n in names.split(",") if n.strip()], (path.parent / dep).resolve())
               for names, dep in _IMPORT.findall(text)]
    body = _IMPORT.sub("", text)
    if _ANY_IMPORT.search(body):
        line = _ANY_IMPORT.search(body).group(0).strip()
        raise ValueError(f"{path.name}: only `import {{ a, b }} from \"./x.js\";` is supported (found `{line}...`)")
    for names, _ in imports:
        if bad := [n for n in names if not re.fullmatch(r"[A-Za-z_$][\w$]*", n)]:
            raise ValueError(f"{path.name}: cannot inline `import {{ {', '.join(bad)} }}` (no renaming)")
    exported = set(_EXPORTED.findall(body))
    return body, imports, exported


def bundle(entry):
    """The ES module for `entry` (a path) with its relative imports inlined, as a string."""
    entry = Path(entry).resolve()
    order, parsed, visiting = [], {}, set()

    def visit(path, chain):
        if path in parsed:
            return
        if path in visiting:
            raise ValueError(f"circular import: {' -> '.join(p.name for p in (*chain, path))}")
        if not path.is_file():
            raise ValueError(f"{chain[-1].name} imports {path.name}, which does not exist")
        visiting.add(path)
        body, imports, exported = _parse(path)
        for names, dep in imports:
            visit(dep, (*chain, path))
            if missing := [n for n in names if n not in parsed[dep][1]]:
                raise ValueError(f"{path.name} imports {', '.join(missing)} from {dep.name}, which does not export it")
        visiting.discard(path)
        parsed[path] = (body, exported)
        order.append(path)

    visit(entry, ())
    parts, declared = [], {}
    for path in order:
        body = parsed[path][0]
        for name in _TOP_LEVEL.findall(body):
            if name in declared:
                raise ValueError(f"`{name}` is declared at the top level of both {declared[name]} and {path.name}")
            declared[name] = path.name
        if path != entry:
            body = _EXPORT.sub("", body)
            if _ANY_EXPORT.search(body) or re.search(r"^\s*export\s+default\b", body, re.M):
                raise ValueError(f"{path.name}: only `export` before a function, const, let or class can be inlined")
        parts.append(body)
    return "\n".join(parts)
