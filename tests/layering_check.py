#!/usr/bin/env python3
"""The layers of DESIGN.md, checked on every #include of the project's C++ sources.

Run by CTest (test "layering"): prints each include that crosses a layer the wrong way as
file:line and exits 1; exits 0 when there is none. Usage: layering_check.py [ROOT].

The rules:
  - each folder includes only the layers its row allows (LAYERS below, in dependency order);
  - a game family's headers (games/<family>/...) are included only inside its own folder:
    everything else reaches a game through the registry (tests/ may test a family's
    internals);
  - LibTorch (torch/, ATen/, c10/) only under agents/nn/; Beast only under server/net/;
    Asio only under server/; SQLite's header only under db/; libpq's under db/ and
    server/cluster/; hiredis only under server/cluster/.
"""
import os
import re
import sys

# folder -> the project folders its files may include, in dependency order.
LAYERS = [
    ("core", {"core"}),
    ("games", {"core", "games"}),
    ("agents", {"core", "games", "agents"}),
    ("db", {"core", "db"}),
    ("server/arena", {"core", "games", "agents", "db", "server/arena"}),
    ("server/cluster", {"core", "server/cluster"}),
    ("server/net", {"core", "games", "db", "server/arena", "server/cluster", "server/net"}),
    ("server/cli", {"core", "games", "agents", "db", "server/arena", "server/net", "server/cluster", "server/cli"}),
]

# <system> include prefix -> the folders where it may appear.
SYSTEM = [
    (("torch/", "ATen/", "c10/"), ("agents/nn/",), "LibTorch is included only under agents/nn/"),
    (("boost/beast",), ("server/net/", "tests/"), "Beast is included only under server/net/"),
    (("boost/asio",), ("server/", "tests/"), "Asio is included only under server/"),
    (("sqlite3.h",), ("db/", "tests/"), "SQLite is included only under db/"),
    (("libpq-fe.h",), ("db/", "server/cluster/", "tests/"), "libpq is included only under db/ and server/cluster/"),
    (("hiredis/",), ("server/cluster/", "tests/"), "hiredis is included only under server/cluster/"),
]

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
SKIP_DIRS = {".git", "node_modules", ".gpu"}


def layer_of(path):
    for folder, allowed in LAYERS:
        if path == folder or path.startswith(folder + "/"):
            return folder, allowed
    return None, None


def project_folder(include):
    """The layer folder an include names ("server/arena/match.h" -> "server/arena")."""
    parts = include.split("/")
    if parts[0] == "server" and len(parts) > 2:
        return "server/" + parts[1]
    return parts[0]


def family_of(path):
    """The family folder of games/<family>/... ("games/go/go.h" -> "games/go"), or None."""
    parts = path.split("/")
    if len(parts) > 2 and parts[0] == "games":
        return "games/" + parts[1]
    return None


def check_file(path, text):
    problems = []
    folder, allowed = layer_of(path)
    for number, line in enumerate(text.splitlines(), 1):
        m = INCLUDE.match(line)
        if not m:
            continue
        kind, include = m.groups()
        where = f"{path}:{number}: includes {include}"
        if kind == "<":
            for prefixes, places, rule in SYSTEM:
                if include.startswith(prefixes) and not path.startswith(places):
                    problems.append(f"{where}: {rule}")
            continue
        target = project_folder(include)
        if folder and target in {f for f, _ in LAYERS} and target not in allowed:
            problems.append(f"{where}: {folder}/ may include only {', '.join(sorted(allowed))}")
        family = family_of(include)
        if family and not path.startswith(family + "/") and not path.startswith("tests/"):
            problems.append(f"{where}: a game family's headers are included only inside {family}/ "
                            "(reach its games through games/registry.h)")
    return problems


def self_test():
    """The rules catch what they must (run as the CTest test "layering_self_test")."""
    cases = [
        ("games/go/go.cc", '#include "agents/agent.h"', 1),
        ("games/go/go.cc", '#include "games/poker/kuhn_poker.h"', 1),
        ("games/go/go.cc", '#include "games/go/board.h"\n#include "games/registry.h"', 0),
        ("server/net/rest.cc", '#include "games/go/go.h"', 1),
        ("server/net/rest.cc", '#include "agents/nn/nn_agents.h"', 1),
        ("server/cli/serve.cc", '#include "agents/nn/nn_agents.h"', 0),
        ("agents/search/mcts.cc", "#include <torch/torch.h>", 1),
        ("agents/nn/network.cc", "#include <torch/torch.h>", 0),
        ("server/arena/match.cc", "#include <boost/beast/core.hpp>", 1),
        ("db/store.h", '#include "games/game.h"', 1),
        ("tests/agents/gtp_test.cc", '#include "games/go/go.h"', 0),
    ]
    for path, text, expected in cases:
        found = len(check_file(path, text))
        assert found == expected, f"{path} with {text!r}: {found} problem(s), expected {expected}"
    print(f"layering self-test: {len(cases)} cases")
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    problems = []
    count = 0
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        dirnames[:] = [d for d in dirnames
                       if d not in SKIP_DIRS and not (rel_dir == "." and d.startswith("build"))]
        for name in filenames:
            if not name.endswith((".cc", ".h")):
                continue
            path = os.path.normpath(os.path.join(rel_dir, name))
            with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                problems += check_file(path, f.read())
            count += 1
    for p in problems:
        print(p)
    if problems:
        print(f"layering: {len(problems)} include(s) cross a layer the wrong way (see DESIGN.md, Layers)")
        return 1
    print(f"layering: {count} C++ files keep the layers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
