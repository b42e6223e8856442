"""Models decoded from many threads at once, the first time msgspec meets them.

msgspec 0.22 could crash the interpreter when two threads built one struct's decoding plan at
the same time, as ``results.get_many`` does with its pool. The script runs in a fresh
interpreter, so that a crash fails this test instead of the whole session, and builds new
classes for each round, so that every round meets plans that do not exist yet.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    import threading
    import types

    sys.setswitchinterval(1e-6)  # switch threads as often as possible: widen any race

    CLASSES = '''
    from __future__ import annotations
    from cekura_client.types._model import EagerModel, optional, required

    class Leaf(EagerModel, frozen=True, gc=False, kw_only=True):
        a: int | None = optional("a")
        b: str | None = optional("b")
        c: list[int] | None = optional("c")

    class Mid(EagerModel, frozen=True, gc=False, kw_only=True):
        leaf: Leaf | None = optional("leaf")
        leaves: list[Leaf] | None = optional("leaves")

    class Top(EagerModel, frozen=True, gc=False, kw_only=True):
        id: int = required("id")
        mid: Mid | None = optional("mid")
        mids: list[Mid] | None = optional("mids")
    '''
    DOC = b'{"id": 1, "mid": {"leaf": {"a": 1, "b": "x", "c": [1]}, "leaves": [{"a": 2}]}}'
    TREE = {"id": "2", "mids": [{"leaf": {"a": "3"}}]}


    def fresh(n):
        module = types.ModuleType(f"round{n}")
        sys.modules[module.__name__] = module
        exec(CLASSES, module.__dict__)
        return module.Top


    failures = []
    for n in range(int(sys.argv[1])):
        top = fresh(n)
        barrier = threading.Barrier(4)

        def work(top=top, barrier=barrier):
            barrier.wait()
            try:
                assert top.from_json(DOC).mid.leaves[0].a == 2
                assert top.from_dict(TREE).mids[0].leaf.a == 3
            except Exception as exc:
                failures.append(repr(exc))

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(f"{int(sys.argv[1])} rounds, failures: {failures}")
    """
)


def test_first_decodes_from_many_threads_at_once_do_not_crash() -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", SCRIPT, "150"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout == "150 rounds, failures: []\n", proc.stderr[-3000:]
