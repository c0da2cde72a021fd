"""Just enough of Terraform's evaluation to count what an environment runs, without terraform.

python-hcl2 parses the files; this evaluates the expressions it leaves as `${...}` strings: module
inputs, variables, locals, `count` and `for_each`, and resource attributes written in the
configuration (a task definition's `cpu`, a service's `desired_count`). What AWS only knows after
creating something (IDs, ARNs, data sources) is `UNKNOWN`; a collection of such things still has
its length (`aws_subnet.public[*].id` has as many items as the subnets' count), because that is
what pricing needs.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class EvalError(Exception):
    pass


# -- parsing ---------------------------------------------------------------------------------------
_OPS = ("==", "!=", "<=", ">=", "&&", "||", "=>", "...", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}", "=", "<", ">", "+", "-", "*", "/", "%", "!")  # fmt: skip
_BINARY = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}  # fmt: skip


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#" or text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
        elif c == '"':
            parts, i = _string(text, i + 1)
            out.append(("str", parts))
        elif c.isdigit():
            m = re.match(r"\d+(\.\d+)?([eE][+-]?\d+)?", text[i:])
            number = m.group(0)
            out.append(("num", float(number) if any(ch in number for ch in ".eE") else int(number)))
            i += len(number)
        elif c.isalpha() or c == "_":
            m = re.match(r"[A-Za-z_][\w-]*", text[i:])
            out.append(("name", m.group(0)))
            i += len(m.group(0))
        else:
            op = next((op for op in _OPS if text.startswith(op, i)), None)
            if op is None:
                raise EvalError(f"cannot read {text[i : i + 20]!r} in {text!r}")
            out.append(("op", op))
            i += len(op)
    out.append(("end", None))
    return out


def _string(text: str, i: int) -> tuple[list[Any], int]:
    """A quoted template from after its opening quote: literal text and parsed interpolations."""
    parts: list[Any] = []
    literal = ""
    while i < len(text) and text[i] != '"':
        if text[i] == "\\":
            literal += {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(text[i + 1], text[i + 1])
            i += 2
        elif text.startswith("$${", i):
            literal += "${"
            i += 3
        elif text.startswith("${", i):
            end = _closing(text, i + 2)
            parts.append(literal)
            literal = ""
            parts.append(parse(text[i + 2 : end]))
            i = end + 1
        else:
            literal += text[i]
            i += 1
    parts.append(literal)
    return parts, i + 1


def _closing(text: str, i: int) -> int:
    """Index of the `}` closing an interpolation whose body starts at i (strings inside skipped)."""
    depth = 1
    while i < len(text):
        c = text[i]
        if c == '"':
            _, i = _string(text, i + 1)
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise EvalError(f"unclosed interpolation in {text!r}")


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.pos = 0

    def peek(self, offset: int = 0) -> tuple[str, Any]:
        return self.toks[self.pos + offset]

    def take(self, value: str | None = None) -> tuple[str, Any]:
        tok = self.toks[self.pos]
        if value is not None and tok[1] != value:
            raise EvalError(f"expected {value!r} at {tok!r} in {self.text!r}")
        self.pos += 1
        return tok

    def at(self, value: str) -> bool:
        return self.peek()[0] in ("op", "name") and self.peek()[1] == value

    def expression(self) -> Any:
        cond = self.binary(0)
        if self.at("?"):
            self.take("?")
            yes = self.expression()
            self.take(":")
            return ("cond", cond, yes, self.expression())
        return cond

    def binary(self, floor: int) -> Any:
        left = self.unary()
        while self.peek()[0] == "op" and _BINARY.get(self.peek()[1], 0) > floor:
            op = self.take()[1]
            left = ("bin", op, left, self.binary(_BINARY[op]))
        return left

    def unary(self) -> Any:
        if self.at("!"):
            self.take()
            return ("not", self.unary())
        if self.at("-"):
            self.take()
            return ("neg", self.unary())
        return self.postfix(self.primary())

    def postfix(self, node: Any) -> Any:
        while True:
            if self.at(".") and self.peek(1) == ("op", "*"):
                self.pos += 2
                node = ("splat", node)
            elif self.at("."):
                self.take()
                kind, name = self.take()
                node = ("attr", node, name) if kind == "name" else ("index", node, ("lit", name))
            elif self.at("[") and self.peek(1) == ("op", "*"):
                self.pos += 2
                self.take("]")
                node = ("splat", node)
            elif self.at("["):
                self.take()
                index = self.expression()
                self.take("]")
                node = ("index", node, index)
            else:
                return node

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "num":
            return ("lit", value)
        if kind == "str":
            return ("tmpl", value)
        if kind == "name":
            if value in ("true", "false", "null"):
                return ("lit", {"true": True, "false": False, "null": None}[value])
            if self.at("("):
                self.take()
                args = []
                while not self.at(")"):
                    args.append(self.expression())
                    if self.at("..."):
                        self.take()
                    if self.at(","):
                        self.take()
                self.take(")")
                return ("call", value, args)
            return ("ref", value)
        if value == "(":
            inner = self.expression()
            self.take(")")
            return inner
        if value == "[":
            if self.at("for"):
                return self.for_expr("]")
            items = []
            while not self.at("]"):
                items.append(self.expression())
                if self.at(","):
                    self.take()
            self.take("]")
            return ("tuple", items)
        if value == "{":
            if self.at("for"):
                return self.for_expr("}")
            items = []
            while not self.at("}"):
                key = self.expression()
                if key[0] == "ref":  # a bare name is the key itself
                    key = ("lit", key[1])
                self.take("=" if self.at("=") else ":")
                items.append((key, self.expression()))
                if self.at(","):
                    self.take()
            self.take("}")
            return ("object", items)
        raise EvalError(f"unexpected {value!r} in {self.text!r}")

    def for_expr(self, close: str) -> Any:
        self.take("for")
        names = [self.take()[1]]
        if self.at(","):
            self.take()
            names.append(self.take()[1])
        self.take("in")
        collection = self.expression()
        self.take(":")
        key = None
        value = self.expression()
        if close == "}":
            self.take("=>")
            key, value = value, self.expression()
            if self.at("..."):
                self.take()
        condition = None
        if self.at("if"):
            self.take()
            condition = self.expression()
        self.take(close)
        return ("for", names, collection, key, value, condition)


_PARSED: dict[str, Any] = {}


def parse(text: str) -> Any:
    if text not in _PARSED:
        parser = _Parser(text)
        node = parser.expression()
        parser.take()  # the end
        _PARSED[text] = node
    return _PARSED[text]


def expression_of(raw: Any) -> Any:
    """The AST of one value as python-hcl2 gives it."""
    if isinstance(raw, str):
        if raw.startswith("${") and raw.endswith("}") and _closing(raw, 2) == len(raw) - 1:
            return parse(raw[2:-1])
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            return ("tmpl", _string(raw, 1)[0])
        return ("lit", raw)  # a heredoc
    if isinstance(raw, list):
        return ("tuple", [expression_of(v) for v in raw])
    if isinstance(raw, dict):
        return (
            "object",
            [(("lit", _unquote(k)), expression_of(v)) for k, v in raw.items() if not k.startswith("__")],
        )
    return ("lit", raw)


def _unquote(name: str) -> str:
    return name[1:-1] if len(name) >= 2 and name[0] == name[-1] == '"' else name


# -- values ----------------------------------------------------------------------------------------
class Splat(list):
    """The items of `x[*]`: attributes and indexes apply to each."""


@dataclass
class Resource:
    """One instance of a resource or data block: what the configuration says, in its own scope."""

    module: Module
    kind: str  # resource or data
    type: str
    name: str
    body: dict
    each: dict | None = None  # {"key": ..., "value": ...}
    index: int | None = None

    @property
    def address(self) -> str:
        suffix = f"[{self.index}]" if self.index is not None else ""
        if self.each is not None:
            suffix = f"[{json.dumps(self.each['key'])}]"
        prefix = "data." if self.kind == "data" else ""
        return f"{self.module.address}{prefix}{self.type}.{self.name}{suffix}"

    def attr(self, name: str) -> Any:
        """A configured argument's value; a block's list of Blocks; UNKNOWN for computed ones."""
        if self.kind == "data" or name not in self.body:
            return UNKNOWN
        raw = self.body[name]
        if _is_block_list(raw):
            return [Block(self, b) for b in raw]
        return self.module.eval(expression_of(raw), self.scope())

    def blocks(self, name: str) -> list[Block]:
        """Nested blocks of this name, written out and from `dynamic` blocks."""
        return Block(self, self.body).blocks(name)

    def scope(self) -> dict:
        scope: dict[str, Any] = {}
        if self.each is not None:
            scope["each"] = self.each
        if self.index is not None:
            scope["count"] = {"index": self.index}
        return scope


@dataclass
class Block:
    owner: Resource
    body: dict
    extra_scope: dict = field(default_factory=dict)

    def attr(self, name: str, default: Any = None) -> Any:
        if name not in self.body:
            return default
        raw = self.body[name]
        if _is_block_list(raw):
            return [Block(self.owner, b, self.extra_scope) for b in raw]
        return self.owner.module.eval(expression_of(raw), {**self.owner.scope(), **self.extra_scope})

    def blocks(self, name: str) -> list[Block]:
        found = [
            Block(self.owner, b, self.extra_scope) for b in self.body.get(name, []) if isinstance(b, dict)
        ]
        for dynamic in self.body.get("dynamic", []):
            for label, spec in dynamic.items():
                if _unquote(label) != name:
                    continue
                items = self.owner.module.eval(
                    expression_of(spec["for_each"]), {**self.owner.scope(), **self.extra_scope}
                )
                if items is UNKNOWN:
                    raise EvalError(f"{self.owner.address}: dynamic {name} depends on unknown values")
                pairs = items.items() if isinstance(items, dict) else enumerate(items)
                for key, value in pairs:
                    scope = {**self.extra_scope, name: {"key": key, "value": value}}
                    found += [Block(self.owner, c, scope) for c in spec["content"]]
        return found


def _is_block_list(raw: Any) -> bool:
    return (
        isinstance(raw, list)
        and bool(raw)
        and all(isinstance(b, dict) and b.get("__is_block__") for b in raw)
    )


# -- modules ---------------------------------------------------------------------------------------
def _load(directory: Path) -> list[dict]:
    return [hcl2.load(path.open()) for path in sorted(directory.glob("*.tf"))]


class Module:
    """One module instance: its directory's blocks and the values its caller gave its variables."""

    def __init__(self, directory: Path, inputs: dict[str, Callable[[], Any]], address: str = ""):
        self.directory = directory
        self.address = address
        self.inputs = inputs
        self.variables: dict[str, dict] = {}
        self.locals: dict[str, Any] = {}
        self.outputs: dict[str, dict] = {}
        self.module_calls: dict[str, dict] = {}
        self.blocks: dict[tuple[str, str], dict[str, dict]] = {}  # (kind, type) -> name -> body
        for parsed in _load(directory):
            for block in parsed.get("variable", []):
                self.variables.update({_unquote(k): v for k, v in block.items() if not k.startswith("__")})
            for block in parsed.get("locals", []):
                self.locals.update({k: v for k, v in block.items() if not k.startswith("__")})
            for block in parsed.get("output", []):
                self.outputs.update({_unquote(k): v for k, v in block.items() if not k.startswith("__")})
            for block in parsed.get("module", []):
                self.module_calls.update({_unquote(k): v for k, v in block.items() if not k.startswith("__")})
            for kind in ("resource", "data"):
                for block in parsed.get(kind, []):
                    for type_, named in block.items():
                        if type_.startswith("__"):
                            continue
                        group = self.blocks.setdefault((kind, _unquote(type_)), {})
                        group.update({_unquote(n): b for n, b in named.items() if not n.startswith("__")})
        self._values: dict[str, Any] = {}
        self._children: dict[str, Any] = {}

    # scope lookups -----------------------------------------------------------------------------
    def var(self, name: str) -> Any:
        key = f"var.{name}"
        if key not in self._values:
            self._values[key] = self._computing
            if name in self.inputs:
                self._values[key] = self.inputs[name]()
            elif name in self.variables and "default" in self.variables[name]:
                self._values[key] = self.eval(expression_of(self.variables[name]["default"]), {})
            else:
                raise EvalError(f"{self.address or self.directory}: variable {name} has no value")
        return self._checked(key)

    def local(self, name: str) -> Any:
        key = f"local.{name}"
        if key not in self._values:
            if name not in self.locals:
                raise EvalError(f"{self.address or self.directory}: no local {name}")
            self._values[key] = self._computing
            self._values[key] = self.eval(expression_of(self.locals[name]), {})
        return self._checked(key)

    _computing = object()

    def _checked(self, key: str) -> Any:
        if self._values[key] is self._computing:
            raise EvalError(f"{self.address}: {key} depends on itself")
        return self._values[key]

    def resource(self, kind: str, type_: str, name: str) -> Any:
        """A resource's instances as Terraform addresses them: one, a list (count), a map (for_each)."""
        body = self.blocks.get((kind, type_), {}).get(name)
        if body is None:
            raise EvalError(f"{self.address}: no {kind} {type_}.{name}")
        if "count" in body:
            count = self.eval(expression_of(body["count"]), {})
            if count is UNKNOWN:
                raise EvalError(f"{self.address}{type_}.{name}: count depends on unknown values")
            return [Resource(self, kind, type_, name, body, index=i) for i in range(int(count))]
        if "for_each" in body:
            items = self.eval(expression_of(body["for_each"]), {})
            if items is UNKNOWN:
                raise EvalError(f"{self.address}{type_}.{name}: for_each depends on unknown values")
            pairs = items.items() if isinstance(items, dict) else ((v, v) for v in items)
            return {k: Resource(self, kind, type_, name, body, each={"key": k, "value": v}) for k, v in pairs}
        return Resource(self, kind, type_, name, body)

    def instances(self, kind: str, type_: str) -> Iterator[Resource]:
        for name in self.blocks.get((kind, type_), {}):
            found = self.resource(kind, type_, name)
            yield from (
                found.values() if isinstance(found, dict) else found if isinstance(found, list) else [found]
            )

    def child(self, name: str) -> Any:
        """A module call's instances: one Module, or a list of them (count)."""
        if name not in self._children:
            call = self.module_calls[name]
            source = self.directory / expression_of(call["source"])[1][0]
            count = self.eval(expression_of(call["count"]), {}) if "count" in call else None
            if count is UNKNOWN:
                raise EvalError(f"{self.address}module.{name}: count depends on unknown values")

            def make(address: str) -> Module:
                inputs = {
                    k: (lambda raw=raw: self.eval(expression_of(raw), {}))
                    for k, raw in call.items()
                    if k not in ("source", "count", "for_each", "providers", "depends_on")
                    and not k.startswith("__")
                }
                return Module(source.resolve(), inputs, address)

            base = f"{self.address}module.{name}"
            self._children[name] = (
                make(f"{base}.") if count is None else [make(f"{base}[{i}].") for i in range(count)]
            )
        return self._children[name]

    def children(self) -> Iterator[Module]:
        for name in self.module_calls:
            found = self.child(name)
            yield from found if isinstance(found, list) else [found]

    def output(self, name: str) -> Any:
        return self.eval(expression_of(self.outputs[name]["value"]), {})

    # evaluation --------------------------------------------------------------------------------
    def eval(self, node: Any, scope: dict) -> Any:
        return _Evaluator(self, scope).run(node)


class _Namespace:
    def __init__(self, get: Callable[[str], Any]):
        self.get = get


class _Evaluator:
    def __init__(self, module: Module, scope: dict):
        self.module = module
        self.scope = scope

    def run(self, node: Any) -> Any:
        value = self.value(node)
        return list(value) if isinstance(value, Splat) else value

    def value(self, node: Any) -> Any:
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "tmpl":
            parts = [p if isinstance(p, str) else self.run(p) for p in node[1]]
            if len(parts) == 3 and parts[0] == parts[2] == "":  # "${x}" keeps x's type
                return parts[1]
            if any(p is UNKNOWN for p in parts):
                return UNKNOWN
            return "".join(_text(p) for p in parts)
        if kind == "tuple":
            return [self.run(n) for n in node[1]]
        if kind == "object":
            out = {}
            for key, value in node[1]:
                k = self.run(key)
                if k is UNKNOWN:
                    return UNKNOWN
                out[k] = self.run(value)
            return out
        if kind == "ref":
            return self.ref(node[1])
        if kind == "attr":
            return self.get(self.value(node[1]), node[2])
        if kind == "index":
            base, index = self.value(node[1]), self.run(node[2])
            return self.get(base, index)
        if kind == "splat":
            base = self.value(node[1])
            if base is UNKNOWN:
                return UNKNOWN
            if isinstance(base, dict):
                return Splat(base.values())
            return Splat(base if isinstance(base, list) else [] if base is None else [base])
        if kind == "cond":
            cond = self.run(node[1])
            if cond is UNKNOWN:
                return UNKNOWN
            return self.value(node[2] if cond else node[3])
        if kind == "not":
            v = self.run(node[1])
            return UNKNOWN if v is UNKNOWN else not v
        if kind == "neg":
            v = self.run(node[1])
            return UNKNOWN if v is UNKNOWN else -v
        if kind == "bin":
            return self.binary(node[1], node[2], node[3])
        if kind == "call":
            return _call(node[1], [self.run(a) for a in node[2]])
        if kind == "for":
            return self.for_expr(*node[1:])
        raise EvalError(f"cannot evaluate {node!r}")

    def binary(self, op: str, left_node: Any, right_node: Any) -> Any:
        left = self.run(left_node)
        if op in ("&&", "||") and left is not UNKNOWN and (left is False if op == "&&" else left is True):
            return left
        right = self.run(right_node)
        if op == "==":
            return UNKNOWN if UNKNOWN in (left, right) else left == right
        if op == "!=":
            return UNKNOWN if UNKNOWN in (left, right) else left != right
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        return {
            "&&": lambda: left and right, "||": lambda: left or right,
            "<": lambda: left < right, ">": lambda: left > right, "<=": lambda: left <= right, ">=": lambda: left >= right,
            "+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
            "/": lambda: left / right, "%": lambda: left % right,
        }[op]()  # fmt: skip

    def for_expr(self, names: list[str], coll: Any, key: Any, value: Any, condition: Any) -> Any:
        items = self.run(coll)
        if items is UNKNOWN:
            return UNKNOWN
        pairs = list(items.items()) if isinstance(items, dict) else list(enumerate(items))
        out_list, out_map = [], {}
        for k, v in pairs:
            bound = {names[0]: v} if len(names) == 1 else {names[0]: k, names[1]: v}
            inner = _Evaluator(self.module, {**self.scope, **bound})
            if condition is not None and not inner.run(condition):
                continue
            if key is None:
                out_list.append(inner.run(value))
            else:
                out_map[inner.run(key)] = inner.run(value)
        return out_list if key is None else out_map

    def ref(self, name: str) -> Any:
        module = self.module
        if name in self.scope:
            return self.scope[name]
        if name == "var":
            return _Namespace(module.var)
        if name == "local":
            return _Namespace(module.local)
        if name == "module":
            return _Namespace(lambda n: _ModuleRef(module.child(n)))
        if name == "path":
            return {"module": str(module.directory), "root": UNKNOWN, "cwd": UNKNOWN}
        if name == "data":
            return _Namespace(lambda t: _Namespace(lambda n: module.resource("data", t, n)))
        if name in ("each", "count", "terraform", "self"):
            return UNKNOWN
        return _Namespace(lambda n: module.resource("resource", name, n))

    def get(self, base: Any, key: Any) -> Any:
        if isinstance(base, Splat):
            return Splat(self.get(item, key) for item in base)
        if base is UNKNOWN or key is UNKNOWN:
            return UNKNOWN
        if isinstance(base, _Namespace):
            return base.get(key)
        if isinstance(base, _ModuleRef):
            return base.get(key)
        if isinstance(base, Resource):
            return base.attr(key)
        if isinstance(base, Block):
            return base.attr(key, UNKNOWN)
        if isinstance(base, dict):
            if key not in base:
                raise EvalError(f"{self.module.address}: no key {key!r} in {sorted(base)}")
            return base[key]
        if isinstance(base, list):
            return base[int(key)]
        if base is None:
            raise EvalError(f"{self.module.address}: attribute {key!r} of null")
        raise EvalError(f"{self.module.address}: cannot take {key!r} of {base!r}")


class _ModuleRef:
    def __init__(self, target: Any):
        self.target = target

    def get(self, key: Any) -> Any:
        if isinstance(self.target, list):
            return _ModuleRef(self.target[int(key)])
        return self.target.output(key)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _call(name: str, args: list[Any]) -> Any:
    if name == "try":  # the first argument that evaluates to something
        return next((a for a in args if a is not UNKNOWN), UNKNOWN)
    if any(a is UNKNOWN for a in args):
        return UNKNOWN
    functions: dict[str, Callable[..., Any]] = {
        "length": len,
        "toset": lambda items: list(dict.fromkeys(items)),
        "tolist": list,
        "tomap": dict,
        "keys": lambda m: sorted(m),
        "values": lambda m: [m[k] for k in sorted(m)],
        "merge": lambda *maps: {k: v for m in maps for k, v in m.items()},
        "concat": lambda *lists: [x for lst in lists for x in lst],
        "contains": lambda coll, value: value in coll,
        "tostring": _text,
        "tonumber": float,
        "join": lambda sep, items: sep.join(_text(i) for i in items),
        "one": lambda items: items[0] if items else None,
        "min": min,
        "max": max,
        "lookup": lambda m, k, default=None: m.get(k, default),
        "coalesce": lambda *xs: next((x for x in xs if x not in (None, "")), None),
        "flatten": lambda items: [x for sub in items for x in (sub if isinstance(sub, list) else [sub])],
        "sort": sorted,
        "distinct": lambda items: list(dict.fromkeys(items)),
        "compact": lambda items: [i for i in items if i not in (None, "")],
        "split": lambda sep, s: s.split(sep),
        "replace": lambda s, old, new: s.replace(old, new),
        "lower": str.lower,
        "upper": str.upper,
        "cidrsubnet": _cidrsubnet,
    }
    if name not in functions:
        return UNKNOWN  # file(), jsonencode(), cidrsubnet()...: nothing pricing reads
    return functions[name](*args)


def _cidrsubnet(prefix: str, newbits: int, netnum: int) -> str:
    network = ipaddress.ip_network(prefix)
    return str(list(network.subnets(prefixlen_diff=int(newbits)))[int(netnum)])


def tfvars(path: Path) -> dict[str, Any]:
    """A .tfvars file's values (literals only)."""
    parsed = hcl2.load(path.open())
    return {
        k: _Evaluator(None, {}).run(expression_of(v)) for k, v in parsed.items() if not k.startswith("__")
    }  # type: ignore[arg-type]


def environments(terraform: Path) -> list[str]:
    """The environments: every folder of terraform/environments but the files they share."""
    return sorted(p.name for p in (terraform / "environments").iterdir() if p.is_dir() and p.name != "shared")


def environment_module(terraform: Path, environment: str) -> Module:
    """An environment's root module, with its terraform.tfvars.example as the operator's values."""
    folder = terraform / "environments" / environment
    values = tfvars(folder / "terraform.tfvars.example")
    return Module(folder, {k: (lambda v=v: v) for k, v in values.items()})
