"""Reading a function of MassGen: the method a class defines is found once per parsed file, and it is the first
definition in the class body (a property's getter, not its setter), as a walk of the class would find it. A file's
chunk constructions (`...Chunk(type=...)`, read by `chunk type T carries F` claims) are read once too."""

from __future__ import annotations

import ast

from massgen_guide.checks.claims.code_reach import _methods_by_class, _own_calls, parse_text

SOURCE = '''
class Backend:
    @property
    def model(self):
        return self._model

    @model.setter
    def model(self, value):
        self._model = value

    def stream(self):
        self.prepare()
        super().stream()
        helper()

    class Inner:
        def stream(self):
            pass


class Other:
    def stream(self):
        self.other()
'''


def _line(tree: ast.Module, name: str) -> int:
    return next(node.lineno for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and node.name == name)


def test_each_class_keeps_the_first_definition_of_a_name() -> None:
    tree = parse_text(SOURCE)
    methods = _methods_by_class(tree)
    backend = methods[("Backend", _line(tree, "Backend"))]
    assert sorted(backend) == ["model", "stream"]  # the nested class's methods are its own
    assert backend["model"].decorator_list[0].id == "property"  # the getter, not the setter
    assert methods[("Inner", _line(tree, "Inner"))]["stream"].lineno == 17
    assert methods[("Other", _line(tree, "Other"))]["stream"].lineno == 22
    assert _methods_by_class(parse_text(SOURCE)) is methods  # one walk per parsed file


def test_a_functions_own_calls_are_read_once() -> None:
    stream = _methods_by_class(parse_text(SOURCE))[("Backend", 2)]["stream"]
    assert _own_calls(stream) == (("self", "prepare"), ("super", "stream"), ("plain", "helper"), ("plain", "super"))
    assert _own_calls(stream) is _own_calls(stream)


CHUNKS = '''
def stream():
    yield StreamChunk(type="content", content="hi")
    yield StreamChunk(type=ChunkType.DONE)
    yield make(type="content", detail="not a chunk")
    yield helper(StreamChunk(type="error", error="x", source="y"))
'''


def test_a_files_chunk_constructions_are_read_once() -> None:
    from massgen_guide.checks.claims.behaviour import _chunk_constructions

    tree = parse_text(CHUNKS)
    found = _chunk_constructions(tree)
    assert [(ast.unparse(value), sorted(keywords), line) for value, keywords, line in found] == [
        ("'content'", ["content", "type"], 3),
        ("ChunkType.DONE", ["type"], 4),
        ("'error'", ["error", "source", "type"], 6),
    ]
    assert _chunk_constructions(parse_text(CHUNKS)) is found  # one walk per parsed file
